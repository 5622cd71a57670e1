import * as z from 'zod';

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

const manualInvocationSchema = z
  .object({
    tables: z.array(z.string().min(1)).min(1),
  })
  .strict();

export type Trigger =
  | { readonly kind: 'schedule'; readonly eventId: string; readonly time: Date }
  | { readonly kind: 'backup-completed'; readonly eventId: string; readonly time: Date; readonly resourceArn: string }
  | { readonly kind: 'restore-job-changed'; readonly restoreJobId: string; readonly status: string }
  | { readonly kind: 'manual'; readonly tables: readonly string[] }
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

  const restore = restoreJobChangedSchema.safeParse(event);
  if (restore.success) {
    return { kind: 'restore-job-changed', restoreJobId: restore.data.detail.restoreJobId, status: restore.data.detail.status };
  }

  const manual = manualInvocationSchema.safeParse(event);
  if (manual.success) return { kind: 'manual', tables: manual.data.tables };

  return { kind: 'ignored', reason: describeUnrecognised(event) };
}

function describeUnrecognised(event: unknown): string {
  if (event === null || typeof event !== 'object') return `not an object (${event === null ? 'null' : typeof event})`;
  const record = event as Record<string, unknown>;
  if (typeof record.source === 'string' && typeof record['detail-type'] === 'string') {
    const state = (record.detail as Record<string, unknown> | undefined)?.state;
    return `EventBridge event "${record['detail-type']}" from ${record.source}${typeof state === 'string' ? ` (state ${state})` : ''} is not a drill trigger or is malformed`;
  }
  return 'neither an EventBridge event the drill handles nor a manual invocation {"tables": [...]}';
}
