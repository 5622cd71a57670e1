import type { DrillConfig, DrilledTable, RecoveryPointSelection } from '../config';
import type { RecoveryPoint } from '../domain/backup';
import type { BackupPort } from '../ports/backup-port';
import type { TableShape } from '../ports/dynamodb-port';
import { formatDuration, formatTime } from '../report/format';
import { step } from '../errors/drill-step';

export interface RecoveryPointSearch {
  /** The newest COMPLETED recovery point, when there is one. */
  readonly latest?: RecoveryPoint;
  /** Recovery points of the table skipped for their status, counted by status (PARTIAL: 2...). */
  readonly notCompleted: Readonly<Record<string, number>>;
  /** Every COMPLETED recovery point found. */
  readonly completed: readonly RecoveryPoint[];
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
  const completed: RecoveryPoint[] = [];
  for (const vaultName of vaultNames) {
    await step('ListRecoveryPointsByBackupVault', async () => {
      for await (const point of backup.listRecoveryPoints(vaultName, tableArn)) {
        if (point.resourceArn !== tableArn) continue;
        if (point.status !== 'COMPLETED') {
          notCompleted[point.status] = (notCompleted[point.status] ?? 0) + 1;
          continue;
        }
        completed.push(point);
        if (!latest || point.creationDate > latest.creationDate) latest = point;
      }
    });
  }
  return { latest, notCompleted, completed };
}

/** The point a drill restores, and what chose it. */
export interface ChosenRecoveryPoint {
  readonly point: RecoveryPoint;
  /** As the report says it. */
  readonly selectedBy: string;
}

/**
 * The newest point (policy `latest`), or one drawn at random among the COMPLETED points created
 * within the window (policy `random`, as restore testing's RANDOM_WITHIN_WINDOW does), so old
 * points are proven too. With none in the window the newest stands in, and the report says so.
 */
export function chooseRecoveryPoint(
  search: RecoveryPointSearch & { readonly latest: RecoveryPoint },
  selection: RecoveryPointSelection,
  now: number,
  random: () => number,
): ChosenRecoveryPoint {
  if (selection.policy === 'latest') return { point: search.latest, selectedBy: 'newest' };
  const since = now - selection.windowDays * 86_400_000;
  const candidates = search.completed.filter((point) => point.creationDate.getTime() >= since);
  const window = `${selection.windowDays} day${selection.windowDays === 1 ? '' : 's'}`;
  if (candidates.length === 0)
    return { point: search.latest, selectedBy: `newest (no recovery point within ${window} to choose from at random)` };
  const point = candidates[Math.min(candidates.length - 1, Math.floor(random() * candidates.length))];
  return { point, selectedBy: `random among ${candidates.length} within ${window}` };
}

/**
 * Why there is nothing to restore, said so that a new table is not mistaken for a broken backup.
 * Either way the verdict is FAIL: nothing is proven restorable, and the table has no backup to
 * fall back on. A table younger than the RPO target has simply not reached its first backup
 * ("no recovery point yet"), and so may a table drilled for the first time, however old: it was
 * just added to the drill (and to the backup plan). A table drilled before with no recovery point
 * now, or whose backups never complete, means backups are not happening.
 */
export function noRecoveryPoint(found: {
  config: Pick<DrillConfig, 'vaultNames' | 'targets'>;
  now: number;
  table: DrilledTable;
  source: TableShape | undefined;
  search: RecoveryPointSearch;
  drilledBefore: boolean;
}): string {
  const { config, table, source, search } = found;
  const vaults = `vault${config.vaultNames.length > 1 ? 's' : ''} ${config.vaultNames.join(', ')}`;
  const skipped = Object.entries(search.notCompleted);
  if (skipped.length > 0) {
    const total = skipped.reduce((sum, [, count]) => sum + count, 0);
    const statuses = skipped.map(([status, count]) => `${count} ${status}`).join(', ');
    return `no recovery point: ${total} recovery point${total > 1 ? 's' : ''} of ${table.tableName} in ${vaults}, none COMPLETED (${statuses}) — backup jobs of this table do not complete; see them in the AWS Backup console (Jobs)`;
  }
  if (!source) {
    return `no recovery point: no recovery point of ${table.tableName} in ${vaults}, and the table does not exist — remove it from the drill settings, or restore it`;
  }
  const notHappening = 'backups are not happening; check the backup plan selects this table and its backup jobs succeed';
  const createdAt = source.createdAt?.getTime();
  const age = createdAt === undefined ? undefined : { seconds: Math.max(0, (found.now - createdAt) / 1000), createdAt };
  const since =
    age === undefined
      ? `no backup of ${table.tableName} has completed (searched ${vaults})`
      : `no backup of ${table.tableName} has completed since the table was created ${formatDuration(age.seconds)} ago (${formatTime(new Date(age.createdAt))}; searched ${vaults})`;
  const rpoTargetSeconds = config.targets.rpoTargetMinutes * 60;
  if (age !== undefined && age.seconds <= rpoTargetSeconds) {
    return `no recovery point yet: ${since} — expected for a table younger than the RPO target (${formatDuration(rpoTargetSeconds)}): its first backup comes with the backup plan's next run. The drill FAILs until then because nothing is proven restorable yet; nothing is broken`;
  }
  if (!found.drilledBefore) {
    return `no recovery point yet: this is the first drill of ${table.tableName}, and ${since} — expected for a table just added to the drill: its first backup comes with the backup plan's next run. The drill FAILs until then because nothing is proven restorable yet; if the next drill says this again, backups are not happening`;
  }
  return `no recovery point: ${since} — ${notHappening}`;
}
