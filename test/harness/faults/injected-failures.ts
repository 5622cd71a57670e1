/**
 * Errors queued per API operation: "answer the next N <operation> requests with <error>".
 * Each endpoint consults it before doing any work, so a failed request has no side effect,
 * which is what AWS promises for throttled requests and what lets the SDK retry safely.
 */
export interface InjectedError {
  /** Error code as the service sends it, e.g. ThrottlingException, InternalError. */
  readonly code: string;
  readonly httpStatus: number;
  readonly message?: string;
}

export class InjectedFailures {
  private readonly queued = new Map<string, InjectedError[]>();
  private readonly served = new Map<string, number>();

  /** Queues `count` failures for `operation` (e.g. "DescribeRestoreJob", "Publish", "Scan"). */
  failNext(operation: string, count: number, error: InjectedError): void {
    const queue = this.queued.get(operation) ?? [];
    for (let i = 0; i < count; i++) queue.push(error);
    this.queued.set(operation, queue);
  }

  /** The failure to answer this request with, if one is queued; counts it as served. */
  take(operation: string): InjectedError | undefined {
    const failure = this.queued.get(operation)?.shift();
    if (failure) this.served.set(operation, (this.served.get(operation) ?? 0) + 1);
    return failure;
  }

  /** Failures still queued for `operation`. */
  pending(operation: string): number {
    return this.queued.get(operation)?.length ?? 0;
  }

  /** Failures already answered for `operation`: lets a test prove the SDK retried through them. */
  servedCount(operation: string): number {
    return this.served.get(operation) ?? 0;
  }

  clear(): void {
    this.queued.clear();
  }
}
