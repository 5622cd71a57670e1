import { formatDuration } from '../report/format';
import { type CheckDefinition, resultOnly } from './check';

/** Recovery time objective: the restore, start to ACTIVE table, took less than the target. */
export const rtoCheck: CheckDefinition = {
  name: 'RTO',
  needs: 'restored-table',
  begin: (context) => {
    const seconds = restoreDurationSeconds(context);
    if (seconds === undefined) return undefined;
    return resultOnly(() => {
      const targetSeconds = context.targets.rtoTargetMinutes * 60;
      const numbers = { restoreDurationSeconds: Math.round(seconds), rtoTargetSeconds: targetSeconds };
      const summary = `restore took ${formatDuration(seconds)} (target ${formatDuration(targetSeconds)})`;
      return seconds <= targetSeconds
        ? { check: 'RTO', status: 'PASS', summary, numbers }
        : {
            check: 'RTO',
            status: 'FAIL',
            summary,
            nextStep: 'a real recovery would miss the RTO: plan for it (smaller tables, PITR restores, or a revised target)',
            numbers,
          };
    });
  },
};

/**
 * Seconds the restore took: AWS's job creation to completion. When AWS gives no completion
 * date, until the drill saw the table ACTIVE (an upper bound if the drill resumed late).
 */
export function restoreDurationSeconds(context: {
  restoreJob: { creationDate?: Date; completionDate?: Date };
  restoredActiveAt?: number;
}): number | undefined {
  const start = context.restoreJob.creationDate?.getTime();
  const end = context.restoreJob.completionDate?.getTime() ?? context.restoredActiveAt;
  return start !== undefined && end !== undefined ? Math.max(0, (end - start) / 1000) : undefined;
}
