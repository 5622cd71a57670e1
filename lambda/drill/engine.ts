import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { CheckDefinition } from '../checks/check';
import type { DrillConfig } from '../config';
import type { BackupPort } from '../ports/backup-port';
import type { CanaryPort } from '../ports/canary-port';
import type { Clock } from '../ports/clock';
import type { DynamoDbPort } from '../ports/dynamodb-port';
import type { HistoryPort } from '../ports/history-port';
import type { KeyPort } from '../ports/kms-port';
import type { NotifierPort } from '../ports/notifier-port';
import type { StepFunctionsPort } from '../ports/stepfunctions-port';
import type { DrillLogger } from '../observability';
import type { TimeBudget } from './time-budget';

/** Everything the drill flow works with: configuration, ports, the clock and the checks. */
export interface Engine {
  readonly config: DrillConfig;
  readonly backup: BackupPort;
  readonly dynamodb: DynamoDbPort;
  readonly history: HistoryPort;
  readonly keys: KeyPort;
  readonly notifier: NotifierPort;
  readonly canaries: CanaryPort;
  readonly clock: Clock;
  readonly random: () => number;
  /** Built-in checks, in report order. */
  readonly checks: readonly CheckDefinition[];
  /** Custom checks by registered name; a table opts in by listing the name. */
  readonly customChecks: Readonly<Record<string, CheckDefinition>>;
  readonly metrics: Metrics;
  readonly logger: DrillLogger;
  /** Set when the stack has the fan-out state machine (FAN_OUT_STATE_MACHINE_ARN). */
  readonly stepFunctions?: StepFunctionsPort;
}

/** The current Lambda invocation, as the flow needs it. */
export interface Invocation {
  /** The invocation's deadline, and what each step may spend of it. */
  readonly time: TimeBudget;
  /** Lease owner: the Lambda request id. */
  readonly owner: string;
}
