import { formatDuration, formatTime } from '../report/format';
import type { CheckResult } from '../domain/check-result';
import type { CheckDefinition } from './check';

/**
 * The restore holds the newest canary the drill wrote to the source before the recovery point
 * was taken: proof the backup captured recent writes, not just an old snapshot.
 */
export const canaryCheck: CheckDefinition = {
  name: 'canary',
  needs: 'restored-table',
  begin: (context) => {
    if (!context.table.canary || !context.restored) return undefined;
    const restored = context.restored;
    return {
      async result(): Promise<CheckResult> {
        const pointTime = context.recoveryPoint.creationDate;
        const expected = await context.canaries.latestBefore(context.table.tableName, pointTime);
        if (!expected) {
          return {
            check: 'canary',
            status: 'WARN',
            summary: `no canary was written before this recovery point (${formatTime(pointTime)}) yet`,
            nextStep: 'expected for the first drills after enabling the canary; it is checked once a backup runs after a drill',
          };
        }
        const found = await context.canaries.read(context.restoredTableName, restored);
        const numbers = { expectedCanaryWrittenAt: expected.writtenAt, restoredCanaryWrittenAt: found?.writtenAt ?? 'missing' };
        const lead = formatDuration((pointTime.getTime() - Date.parse(expected.writtenAt)) / 1000);
        if (!found) {
          return {
            check: 'canary',
            status: 'FAIL',
            summary: `canary written ${formatTime(expected.writtenAt)} (${lead} before the recovery point) is missing from the restore`,
            nextStep:
              'the backup did not capture writes made before it: check the backup really covers this table and is not an older copy',
            numbers,
          };
        }
        if (found.writtenAt < expected.writtenAt) {
          return {
            check: 'canary',
            status: 'FAIL',
            summary: `restore holds the canary of ${formatTime(found.writtenAt)}, not the newer one of ${formatTime(expected.writtenAt)} written ${lead} before the recovery point`,
            nextStep: 'the recovery point is older than its creation date says, or missed recent writes: inspect the backup job',
            numbers,
          };
        }
        return {
          check: 'canary',
          status: 'PASS',
          summary: `canary written ${formatTime(found.writtenAt)} (${lead} before the recovery point) is in the restore`,
          numbers,
        };
      },
    };
  },
};
