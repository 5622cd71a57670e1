import { explainError } from '../report/failure-advice';

/**
 * Which step failed. Every AWS call the drill makes runs through step(), so its failure names the
 * operation and keeps the cause for the transient-or-permanent question (transient.ts); the words
 * are the report's (report/failure-advice.ts).
 */

/** An AWS call the drill made, kept with its failure so the report can name it. */
export class DrillStepError extends Error {
  override readonly name = 'DrillStepError';

  constructor(
    readonly operation: string,
    readonly cause: unknown,
    readonly advice: string,
  ) {
    super(advice);
  }
}

/**
 * Runs one AWS call; a failure comes back as a DrillStepError carrying the explanation. A step
 * around steps (a search that pages through several calls) keeps the inner one, which names the
 * call that failed and keeps its cause for isPermanentError.
 */
export async function step<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DrillStepError) throw error;
    throw new DrillStepError(operation, error, explainError(operation, error));
  }
}
