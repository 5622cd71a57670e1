import type { RecoveryPoint } from '../domain/backup';
import type { BackupPort } from '../ports/backup-port';
import { step } from '../errors/drill-step';

export interface RecoveryPointSearch {
  /** The newest COMPLETED recovery point, when there is one. */
  readonly latest?: RecoveryPoint;
  /** Recovery points of the table skipped for their status, counted by status (PARTIAL: 2...). */
  readonly notCompleted: Readonly<Record<string, number>>;
}

/**
 * The newest COMPLETED recovery point of a table across the given vaults (every page of every
 * vault). Recovery points in other states (PARTIAL, EXPIRED, DELETING...) are not restorable
 * evidence and are skipped, but counted: "none completed" is a different finding from "none".
 */
export async function findLatestRecoveryPoint(
  backup: BackupPort,
  vaultNames: readonly string[],
  tableArn: string,
): Promise<RecoveryPointSearch> {
  let latest: RecoveryPoint | undefined;
  const notCompleted: Record<string, number> = {};
  for (const vaultName of vaultNames) {
    await step('ListRecoveryPointsByBackupVault', async () => {
      for await (const point of backup.listRecoveryPoints(vaultName, tableArn)) {
        if (point.resourceArn !== tableArn) continue;
        if (point.status !== 'COMPLETED') {
          notCompleted[point.status] = (notCompleted[point.status] ?? 0) + 1;
          continue;
        }
        if (!latest || point.creationDate > latest.creationDate) latest = point;
      }
    });
  }
  return { latest, notCompleted };
}
