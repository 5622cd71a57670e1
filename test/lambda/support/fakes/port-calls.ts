/**
 * What every in-memory fake of a port shares: a log of the calls the engine made (so tests
 * assert "StartRestoreJob called once" as `calls('startRestoreJob')`), and faults a test plans
 * for the next calls (a throttled DescribeTable, a publish SNS refuses, a scan that never
 * answers, as a Lambda killed mid-call leaves it). A failed or hanging call is logged too, as the
 * SDK mock logged a rejected command.
 */

type Operation<Port> = Extract<keyof Port, string>;
type ArgsOf<Port, Op extends Operation<Port>> = Port[Op] extends (...args: infer A) => unknown ? A : never;

interface PlannedFault {
  readonly op: string;
  readonly when?: (...args: any[]) => boolean;
  /** Calls it still applies to (Infinity: every matching call). */
  remaining: number;
  readonly error?: Error;
}

export interface FaultOptions<Args extends unknown[]> {
  /** How many matching calls fail (default 1). */
  readonly times?: number;
  /** Only calls whose arguments match. */
  readonly when?: (...args: Args) => boolean;
}

export class PortCalls<Port> {
  private readonly log: Array<{ readonly op: string; readonly args: readonly unknown[] }> = [];
  private readonly faults: PlannedFault[] = [];

  /** The arguments of each call of `op`, in order. */
  calls<Op extends Operation<Port>>(op: Op): ArgsOf<Port, Op>[] {
    return this.log.filter((call) => call.op === op).map((call) => call.args as ArgsOf<Port, Op>);
  }

  /** Every call, of any operation, in order. */
  all(): ReadonlyArray<{ readonly op: string; readonly args: readonly unknown[] }> {
    return this.log;
  }

  failNext<Op extends Operation<Port>>(op: Op, error: Error, options: FaultOptions<ArgsOf<Port, Op>> = {}): void {
    this.faults.push({ op, error, when: options.when as PlannedFault['when'], remaining: options.times ?? 1 });
  }

  failAlways<Op extends Operation<Port>>(op: Op, error: Error, options: Omit<FaultOptions<ArgsOf<Port, Op>>, 'times'> = {}): void {
    this.failNext(op, error, { ...options, times: Number.POSITIVE_INFINITY });
  }

  /** The next matching call never answers: the invocation making it hangs, as one Lambda kills at its timeout. */
  hangNext<Op extends Operation<Port>>(op: Op, options: Omit<FaultOptions<ArgsOf<Port, Op>>, 'times'> = {}): void {
    this.faults.push({ op, when: options.when as PlannedFault['when'], remaining: 1 });
  }

  /** Forgets planned faults that have not struck yet. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Logs a call and applies the first fault planned for it; every fake operation starts here. */
  async enter(op: string, args: readonly unknown[]): Promise<void> {
    this.log.push({ op, args });
    const fault = this.faults.find((f) => f.op === op && f.remaining > 0 && (!f.when || f.when(...args)));
    if (!fault) return;
    fault.remaining -= 1;
    if (fault.error) throw fault.error;
    await new Promise<never>(() => undefined);
  }
}
