/**
 * Why an invocation fails on purpose. Each leaves the drill where Lambda's retry, or the next
 * scheduled run's sweep, continues it; the handler fails the invocation with every such message.
 */

/** An AWS call before the restore failed transiently: nothing was judged, the drill stays STARTED. */
export class DrillNotAdvancedError extends Error {
  // Stryker disable next-line StringLiteral: the name shows in no result; the handler fails the invocation with the messages (handler.ts failIfAnyRejected)
  override readonly name = 'DrillNotAdvancedError';
}

/** The restore job is not listed yet: the invocation fails so Lambda's retry looks again soon. */
export class RestoreJobNotFoundYetError extends Error {
  // Stryker disable next-line StringLiteral: the name shows in no result; the handler fails the invocation with the messages (handler.ts failIfAnyRejected)
  override readonly name = 'RestoreJobNotFoundYetError';
}

/** The verdict is recorded but SNS would not take the report; the invocation must fail. */
export class ReportNotSentError extends Error {
  // Stryker disable next-line StringLiteral: the name shows in no result; the handler fails the invocation with the messages (handler.ts failIfAnyRejected)
  override readonly name = 'ReportNotSentError';
}
