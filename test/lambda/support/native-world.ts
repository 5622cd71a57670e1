import { randomUUID } from 'node:crypto';
import type { RecoveryPointSelection, RestoreTestingConfig } from '../../../lambda/config';
import { restoreJobStateChangeEvent } from '../../harness/events/backup-events';
import { FakeRestoreTestingBackup } from './fakes/fake-restore-testing';
import { ACCOUNT, FlowWorld, REGION, VAULT, tableArn } from './flow-world';

/**
 * The flow world in native mode: its AWS Backup also runs restore testing plans
 * (FakeRestoreTestingBackup), and the handler hears of their jobs by the EventBridge "Restore Job
 * State Change" event, which names the plan ("if your restore job is part of a restore testing
 * plan, the parameter restoreTestingPlanArn is included": developer guide, "Amazon EventBridge").
 */
export class NativeWorld extends FlowWorld {
  override readonly backup = new FakeRestoreTestingBackup(this.clock, this.dynamodb, {
    account: ACCOUNT,
    region: REGION,
    vaultName: VAULT,
  });
}

/** A restore testing plan's ARN (plan names hold letters, digits and `_`; AWS appends `-<random>` to the name). */
export const planArn = (name: string): string => `arn:aws:backup:${REGION}:${ACCOUNT}:restore-testing-plan:${name}`;

/** The stack's own plan, as the construct passes it to the engine (DRILL_RESTORE_TESTING). */
export function ownPlan(arn: string, selection: Partial<RecoveryPointSelection> = {}): RestoreTestingConfig {
  return {
    ownPlan: { arn, validationWindowHours: 4, selection: { policy: 'latest', windowDays: 7, ...selection } },
    adoptedPlans: [],
  };
}

/** The "Restore Job State Change" of a restore test's job as it ended (COMPLETED names the copy). */
export function restoreTestEvent(
  job: { restoreJobId: string; copy: string; recoveryPointArn: string },
  plan: string,
  status: 'COMPLETED' | 'FAILED' | 'ABORTED' = 'COMPLETED',
  sourceTable = 'orders',
) {
  const completed = status === 'COMPLETED';
  return restoreJobStateChangeEvent(
    {
      restoreJobId: job.restoreJobId,
      status,
      creationDate: new Date('2026-11-28T06:00:00.000Z'),
      recoveryPointArn: job.recoveryPointArn,
      backupVaultArn: `arn:aws:backup:${REGION}:${ACCOUNT}:backup-vault:${VAULT}`,
      sourceResourceArn: tableArn(sourceTable),
      iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/service-role/AWSBackupDefaultServiceRole`,
      resourceType: 'DynamoDB',
      backupSizeInBytes: 1880,
      statusMessage: completed ? undefined : 'Restore failed',
      createdResourceArn: completed ? tableArn(job.copy) : undefined,
      completionDate: completed ? new Date('2026-11-28T06:00:10.000Z') : undefined,
      restoreTestingPlanArn: plan,
    },
    { account: ACCOUNT, region: REGION, time: new Date('2026-11-28T06:00:10Z'), id: randomUUID() },
  );
}
