import type { DrilledTable } from '../config';
import type { DrillRecord, DrillStatus, Verdict } from '../domain/drill-record';
import type { Engine, Invocation } from './engine';
import type { DrillLogger } from '../observability';

/** How a drill's run in this invocation ended. */
export type DrillEnd =
  | { readonly status: 'finished'; readonly verdict: Verdict }
  | { readonly status: 'waiting'; readonly restoreJobId: string }
  | { readonly status: 'already-finished'; readonly verdict?: Verdict }
  | { readonly status: 'in-progress-elsewhere' }
  /** Waiting in the drill history for a restore slot (maxConcurrentRestores); started when one frees. */
  | { readonly status: 'queued'; readonly reason: string }
  /** The copy's scan runs on Step Functions; the execution's end finishes the drill. */
  | { readonly status: 'fanned-out'; readonly executionArn: string }
  /** An event about a drill that does not (or no longer) wait for it: said why, nothing done. */
  | { readonly status: 'ignored'; readonly reason: string };

export type DrillResult = { readonly drillId: string; readonly table: string } & DrillEnd;

/**
 * What one drill run holds - the engine, the invocation, the drill's record as it stands, its
 * logger - and the moves on that record every step makes: taking and giving back the lease,
 * saving under it, following a twin invocation. The steps build on it (RestoreSteps, then
 * DrillRun), as Powertools' batch processors build on BasePartialProcessor.
 */
export abstract class RunState {
  protected constructor(
    protected readonly engine: Engine,
    protected readonly invocation: Invocation,
    /** The drill as this invocation last read, wrote or found it. */
    protected record: DrillRecord,
    protected readonly log: DrillLogger,
  ) {}

  /** The drilled table's settings; a table removed from the settings while its drill ran is finished with what the record knows. */
  protected drilledTable(): DrilledTable {
    const { sourceTableArn, sourceTable } = this.record;
    return this.engine.config.tables.find((t) => t.tableArn === sourceTableArn) ?? { tableName: sourceTable, tableArn: sourceTableArn };
  }

  /** Takes the drill's lease; else the result saying who has it (another invocation, or nobody: already finished). */
  protected async claim(from: readonly DrillStatus[]): Promise<DrillResult | undefined> {
    const { engine, invocation } = this;
    const claimed = await engine.history.claim(this.record.drillId, from, invocation.owner, engine.clock.now(), invocation.time.leaseMs());
    if (claimed) {
      this.record = claimed;
      return undefined;
    }
    const current = await engine.history.get(this.record.drillId);
    this.log.info('another invocation is finishing this drill (or has finished it)', { status: current?.status });
    return current?.status === 'FINISHED'
      ? this.result({ status: 'already-finished', verdict: current.outcome?.verdict })
      : this.result({ status: 'in-progress-elsewhere' });
  }

  /** Gives the lease back, so a retry can take the drill over at once. */
  protected release(): Promise<void> {
    return this.engine.history.release(this.record.drillId, this.invocation.owner);
  }

  /** Saves fields while this invocation still holds the lease; false once it has lost it. */
  protected saveWithLease(fields: Partial<DrillRecord>): Promise<boolean> {
    return this.engine.history.update(this.record.drillId, fields, { owner: this.invocation.owner });
  }

  /** Takes the record as a twin invocation left it, after it moved the drill on first. */
  protected async followTwin(): Promise<void> {
    const current = await this.engine.history.get(this.record.drillId);
    if (!current) throw new Error(`drill ${this.record.drillId} vanished from the history table`);
    this.log.info('a twin invocation already moved this drill on; following it', { status: current.status });
    this.record = current;
  }

  protected result(end: DrillEnd): DrillResult {
    return { drillId: this.record.drillId, table: this.record.sourceTable, ...end };
  }
}
