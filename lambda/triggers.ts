import * as z from 'zod';
import type { FanOutEnd } from './drill/fan-out-steps';
import type { PartialScan } from './fanout/contract';

/**
 * What can invoke the drill, parsed with real schemas (zod): the EventBridge envelope extended
 * with each detail shape. Anything else is reported as ignored, never acted on.
 *
 * Event shapes follow the AWS Backup EventBridge documentation: backup jobs report `state`,
 * restore jobs `status`; DynamoDB's resourceType appears as "DynamoDB" and, in the wild, as
 * "DynamoDB.FullyManaged", so both are accepted.
 */

/**
 * The EventBridge envelope, as Powertools Parser's EventBridgeSchema defines it. Declared here
 * rather than imported because that module's `import { z } from 'zod'` pulls all of zod (its 64
 * locales included) into the bundle: 534 KB against ~185 KB with this schema and namespace
 * imports, and ~20% slower cold module load (npm run bench:bundle).
 */
const EventBridgeSchema = z.object({
  version: z.string(),
  id: z.string(),
  source: z.string(),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.string(),
  detail: z.unknown(),
  'replay-name': z.string().optional(),
});

const scheduledEventSchema = EventBridgeSchema.extend({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
});

const backupJobCompletedSchema = EventBridgeSchema.extend({
  source: z.literal('aws.backup'),
  'detail-type': z.literal('Backup Job State Change'),
  detail: z.object({
    backupJobId: z.string().min(1),
    state: z.literal('COMPLETED'),
    resourceArn: z.string().min(1),
    resourceType: z.string().optional(),
    backupVaultName: z.string().optional(),
    recoveryPointArn: z.string().optional(),
  }),
});

const restoreJobChangedSchema = EventBridgeSchema.extend({
  source: z.literal('aws.backup'),
  'detail-type': z.literal('Restore Job State Change'),
  detail: z.object({
    restoreJobId: z.string().min(1),
    status: z.string().min(1),
    createdResourceArn: z.string().optional(),
    iamRoleArn: z.string().optional(),
  }),
});

/**
 * A restore job of an AWS Backup restore testing plan: "if your restore job is part of a restore
 * testing plan, the parameter restoreTestingPlanArn is included" (AWS Backup developer guide,
 * "Amazon EventBridge", Restore job state change). Ended jobs only: COMPLETED to validate,
 * FAILED and ABORTED to report.
 */
const restoreTestJobEndedSchema = EventBridgeSchema.extend({
  source: z.literal('aws.backup'),
  'detail-type': z.literal('Restore Job State Change'),
  detail: z.object({
    restoreJobId: z.string().min(1),
    status: z.enum(['COMPLETED', 'FAILED', 'ABORTED']),
    restoreTestingPlanArn: z.string().min(1),
    sourceResourceArn: z.string().optional(),
    createdResourceArn: z.string().optional(),
    statusMessage: z.string().optional(),
  }),
});

/**
 * A backup job that FAILED, was ABORTED or EXPIRED ("Backup Job State Change", `state`), or a copy
 * job that FAILED ("Copy Job State Change", `state`; its events name no backupVaultName, only the
 * vault ARNs): AWS Backup developer guide, "Amazon EventBridge", the documented examples.
 */
const backupJobFailedSchema = EventBridgeSchema.extend({
  source: z.literal('aws.backup'),
  'detail-type': z.literal('Backup Job State Change'),
  detail: z.object({
    backupJobId: z.string().min(1),
    state: z.enum(['FAILED', 'ABORTED', 'EXPIRED']),
    resourceArn: z.string().min(1),
    backupVaultName: z.string().optional(),
    statusMessage: z.string().optional(),
    creationDate: z.string().optional(),
  }),
});

const copyJobFailedSchema = EventBridgeSchema.extend({
  source: z.literal('aws.backup'),
  'detail-type': z.literal('Copy Job State Change'),
  detail: z.object({
    copyJobId: z.string().min(1),
    state: z.literal('FAILED'),
    resourceArn: z.string().min(1),
    sourceBackupVaultArn: z.string().optional(),
    destinationBackupVaultArn: z.string().optional(),
    statusMessage: z.string().optional(),
    creationDate: z.string().optional(),
  }),
});

/** A failed backup or copy job, as its message needs it. */
export interface FailedBackupJob {
  readonly kind: 'backup' | 'copy';
  readonly jobId: string;
  readonly state: string;
  readonly resourceArn: string;
  /** The backup vault (backup job) or the source and destination vaults (copy job), by name or ARN. */
  readonly vault?: string;
  readonly statusMessage?: string;
  readonly time: Date;
  readonly region: string;
}

/**
 * A fan-out execution that ended without reporting (the rule targets FAILED, TIMED_OUT and
 * ABORTED): "Step Functions Execution Status Change" (Step Functions developer guide, "Automating
 * Step Functions event delivery with EventBridge", the documented example). `input` is the
 * execution's input as JSON text, or absent/null when too large to include (inputDetails.included
 * false): the drill id is then read from the execution's name (fanOutExecutionName).
 */
const executionStatusChangeSchema = EventBridgeSchema.extend({
  source: z.literal('aws.states'),
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.object({
    executionArn: z.string().min(1),
    stateMachineArn: z.string().min(1),
    name: z.string().min(1),
    status: z.string().min(1),
    startDate: z.number().nullish(),
    stopDate: z.number().nullish(),
    input: z.string().nullish(),
  }),
});

/** The partial scan the state machine hands over (contract.ts PartialScan): checked for shape, observers left to the checks. */
const partialScanSchema = z.object({
  digest: z.string(),
  items: z.number().int().min(0),
  readUnits: z.number().min(0),
  remaining: z.array(z.unknown()),
  observers: z.record(z.string(), z.unknown()),
});

/** The state machine's own invocations of the drill (contract.ts FanOutFinished, FanOutFailed). */
const fanOutFinishedSchema = z.object({
  fanOut: z.literal('finished'),
  drillId: z.string().min(1),
  executionArn: z.string().min(1),
  totals: partialScanSchema,
});
const fanOutFailedSchema = z.object({
  fanOut: z.literal('failed'),
  drillId: z.string().min(1),
  executionArn: z.string().min(1),
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).passthrough(),
});

/** The drill id an execution was started for: its input's `drillId`, else its name (fanOutExecutionName's prefix removed). */
function drillIdOfExecution(name: string, input: string | null | undefined): string {
  try {
    const parsed = input ? (JSON.parse(input) as { drillId?: unknown }) : undefined;
    if (typeof parsed?.drillId === 'string' && parsed.drillId) return parsed.drillId;
  } catch {
    // Not JSON: the name says it.
  }
  return name.replace(/^drill-/, '');
}

/** What a manual drill accepts, as the refusal of anything else spells it out. */
export const MANUAL_PAYLOAD_SHAPE =
  '{"tables": ["<table name or ARN>", ...], "idempotencyKey": "<optional: 1-64 letters, digits, . _ : ->"}';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * A manual drill (`aws lambda invoke`). `idempotencyKey` names the drill: invoked again with the
 * same key (the CLI's own retry after its read timeout, or a person trying again) it continues
 * that drill instead of starting another restore. Unknown keys are refused, never ignored: a
 * misspelt key would otherwise drill without the setting the caller meant.
 */
const manualInvocationSchema = z
  .object({
    tables: z.array(z.string().min(1, 'a table name or ARN cannot be empty')).min(1, 'name at least one table'),
    idempotencyKey: z.string().regex(IDEMPOTENCY_KEY, '1-64 letters, digits, dots, underscores, colons or dashes').optional(),
  })
  .strict();

export type Trigger =
  | { readonly kind: 'schedule'; readonly eventId: string; readonly time: Date }
  | { readonly kind: 'backup-completed'; readonly eventId: string; readonly time: Date; readonly resourceArn: string }
  | { readonly kind: 'restore-job-changed'; readonly restoreJobId: string; readonly status: string }
  | {
      readonly kind: 'restore-test-ended';
      readonly restoreJobId: string;
      readonly status: 'COMPLETED' | 'FAILED' | 'ABORTED';
      readonly restoreTestingPlanArn: string;
      readonly sourceResourceArn?: string;
      readonly createdResourceArn?: string;
    }
  | { readonly kind: 'backup-job-failed'; readonly job: FailedBackupJob }
  | { readonly kind: 'manual'; readonly tables: readonly string[]; readonly idempotencyKey?: string }
  /** A drill's fan-out execution ended: its `finished` or `failed` invocation, or its status change event. */
  | { readonly kind: 'fan-out-ended'; readonly drillId: string; readonly end: FanOutEnd }
  /** A manual payload that is malformed: nothing runs, and the reason says what is accepted. */
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'ignored'; readonly reason: string };

export function parseTrigger(event: unknown): Trigger {
  const scheduled = scheduledEventSchema.safeParse(event);
  if (scheduled.success) return { kind: 'schedule', eventId: scheduled.data.id, time: new Date(scheduled.data.time) };

  const backup = backupJobCompletedSchema.safeParse(event);
  if (backup.success) {
    return {
      kind: 'backup-completed',
      eventId: backup.data.id,
      time: new Date(backup.data.time),
      resourceArn: backup.data.detail.resourceArn,
    };
  }

  // Before the drill's own restore events: a restore test's event is one too, with its plan's ARN.
  const restoreTest = restoreTestJobEndedSchema.safeParse(event);
  if (restoreTest.success) {
    const { detail } = restoreTest.data;
    return {
      kind: 'restore-test-ended',
      restoreJobId: detail.restoreJobId,
      status: detail.status,
      restoreTestingPlanArn: detail.restoreTestingPlanArn,
      sourceResourceArn: detail.sourceResourceArn,
      createdResourceArn: detail.createdResourceArn,
    };
  }

  const backupFailed = backupJobFailedSchema.safeParse(event);
  if (backupFailed.success) {
    const { detail, time, region } = backupFailed.data;
    return {
      kind: 'backup-job-failed',
      job: {
        kind: 'backup',
        jobId: detail.backupJobId,
        state: detail.state,
        resourceArn: detail.resourceArn,
        vault: detail.backupVaultName,
        statusMessage: detail.statusMessage,
        time: new Date(time),
        region,
      },
    };
  }
  const copyFailed = copyJobFailedSchema.safeParse(event);
  if (copyFailed.success) {
    const { detail, time, region } = copyFailed.data;
    const vaultName = (arn?: string) => arn?.split(':backup-vault:')[1] ?? arn;
    return {
      kind: 'backup-job-failed',
      job: {
        kind: 'copy',
        jobId: detail.copyJobId,
        state: detail.state,
        resourceArn: detail.resourceArn,
        vault:
          [vaultName(detail.sourceBackupVaultArn), vaultName(detail.destinationBackupVaultArn)].filter(Boolean).join(' -> ') || undefined,
        statusMessage: detail.statusMessage,
        time: new Date(time),
        region,
      },
    };
  }

  const restore = restoreJobChangedSchema.safeParse(event);
  if (restore.success) {
    return { kind: 'restore-job-changed', restoreJobId: restore.data.detail.restoreJobId, status: restore.data.detail.status };
  }

  const finished = fanOutFinishedSchema.safeParse(event);
  if (finished.success) {
    const { drillId, executionArn, totals } = finished.data;
    return { kind: 'fan-out-ended', drillId, end: { kind: 'finished', executionArn, totals: totals as PartialScan } };
  }
  const failed = fanOutFailedSchema.safeParse(event);
  if (failed.success) {
    const { drillId, executionArn, error } = failed.data;
    return { kind: 'fan-out-ended', drillId, end: { kind: 'failed', executionArn, error: { Error: error.Error, Cause: error.Cause } } };
  }
  const execution = executionStatusChangeSchema.safeParse(event);
  if (execution.success) {
    const { detail } = execution.data;
    return {
      kind: 'fan-out-ended',
      drillId: drillIdOfExecution(detail.name, detail.input),
      end: { kind: 'status', executionArn: detail.executionArn, status: detail.status },
    };
  }

  if (isManualPayload(event) && 'fanOut' in event) {
    return { kind: 'ignored', reason: `a fan-out payload that is malformed: ${JSON.stringify(event).slice(0, 200)}` };
  }
  if (isManualPayload(event)) {
    const manual = manualInvocationSchema.safeParse(event);
    if (!manual.success) return { kind: 'refused', reason: manualRefusal(event, manual.error) };
    return { kind: 'manual', tables: manual.data.tables, idempotencyKey: manual.data.idempotencyKey };
  }

  return { kind: 'ignored', reason: describeUnrecognised(event) };
}

/**
 * A plain object that is neither an EventBridge event nor another AWS service's event (those
 * carry `source` and `detail-type`, or `Records`): what a person passes to `aws lambda invoke`.
 */
function isManualPayload(event: unknown): event is Record<string, unknown> {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return false;
  return !('detail-type' in event) && !('source' in event) && !('Records' in event);
}

function manualRefusal(payload: Record<string, unknown>, error: z.ZodError): string {
  const problems = error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys
        .map((key) => `unknown key "${key}"${key.toLowerCase().startsWith('table') ? ' (did you mean "tables"?)' : ''}`)
        .join(', ');
    }
    const path = issue.path.join('.') || '(payload)';
    if (issue.path.length === 1 && issue.path[0] === 'tables' && !('tables' in payload)) return '"tables" is missing';
    return `${path}: ${issue.message}`;
  });
  return `manual drill refused, nothing was started: ${problems.join('; ')}. Accepted: ${MANUAL_PAYLOAD_SHAPE}`;
}

function describeUnrecognised(event: unknown): string {
  if (event === null || typeof event !== 'object') return `not an object (${event === null ? 'null' : typeof event})`;
  const record = event as Record<string, unknown>;
  if (typeof record.source === 'string' && typeof record['detail-type'] === 'string') {
    const state = (record.detail as Record<string, unknown> | undefined)?.state;
    return `EventBridge event "${record['detail-type']}" from ${record.source}${typeof state === 'string' ? ` (state ${state})` : ''} is not a drill trigger or is malformed`;
  }
  return `neither an EventBridge event the drill handles nor a manual drill ${MANUAL_PAYLOAD_SHAPE}`;
}
