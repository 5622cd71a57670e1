/**
 * Answers lost after the request took effect: "serve the next N <operation> requests, then close
 * the connection without answering", as when the network drops AWS's reply. Unlike
 * InjectedFailures the request has its side effect; the client sees a reset connection
 * (ECONNRESET, which the SDK retries as transient) and cannot tell whether anything happened, so
 * only an idempotency token keeps its retry from doing it twice.
 */
export class LostResponses {
  private readonly queued = new Map<string, number>();
  private readonly lost = new Map<string, number>();

  /** Loses the answers of the next `count` requests of `operation` (e.g. "StartRestoreJob"). */
  loseNext(operation: string, count: number): void {
    this.queued.set(operation, (this.queued.get(operation) ?? 0) + count);
  }

  /** Whether this request's answer is to be lost; counts it as lost. */
  take(operation: string): boolean {
    const queued = this.queued.get(operation) ?? 0;
    if (queued === 0) return false;
    this.queued.set(operation, queued - 1);
    this.lost.set(operation, (this.lost.get(operation) ?? 0) + 1);
    return true;
  }

  /** Answers already lost for `operation`. */
  lostCount(operation: string): number {
    return this.lost.get(operation) ?? 0;
  }
}
