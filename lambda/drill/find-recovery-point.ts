import type { BackupPort, RecoveryPoint } from '../ports/backup-port';
import { step } from '../report/failure-advice';

/**
 * The newest COMPLETED recovery point of a table across the given vaults (every page of every
 * vault). Recovery points in other states (PARTIAL, EXPIRED, DELETING...) are not restorable
 * evidence and are skipped.
 */
export async function findLatestRecoveryPoint(
  backup: BackupPort,
  vaultNames: readonly string[],
  tableArn: string,
): Promise<RecoveryPoint | undefined> {
  let latest: RecoveryPoint | undefined;
  for (const vaultName of vaultNames) {
    await step('ListRecoveryPointsByBackupVault', async () => {
      for await (const point of backup.listRecoveryPoints(vaultName, tableArn)) {
        if (point.status !== 'COMPLETED') continue;
        if (point.resourceArn !== tableArn) continue;
        if (!latest || point.creationDate > latest.creationDate) latest = point;
      }
    });
  }
  return latest;
}
