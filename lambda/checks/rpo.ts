import type { DrillTargets } from '../config';
import { formatDuration } from '../report/format';
import type { CheckResult } from '../domain/check-result';
import { type CheckDefinition, resultOnly } from './check';

/** Recovery point objective: the newest recovery point is younger than the target. */
export function evaluateRpo(drillStartedAt: Date, recoveryPointCreated: Date, targets: DrillTargets): CheckResult {
  const ageSeconds = (drillStartedAt.getTime() - recoveryPointCreated.getTime()) / 1000;
  const targetSeconds = targets.rpoTargetMinutes * 60;
  const numbers = { recoveryPointAgeSeconds: Math.round(ageSeconds), rpoTargetSeconds: targetSeconds };
  const summary = `newest recovery point is ${formatDuration(ageSeconds)} old (target ${formatDuration(targetSeconds)})`;
  return ageSeconds <= targetSeconds
    ? { check: 'RPO', status: 'PASS', summary, numbers }
    : {
        check: 'RPO',
        status: 'FAIL',
        summary,
        nextStep: 'backups are late: check the backup plan schedule and recent backup jobs in the AWS Backup console',
        numbers,
      };
}

export const rpoCheck: CheckDefinition = {
  name: 'RPO',
  needs: 'recovery-point',
  begin: (context) =>
    resultOnly(() =>
      evaluateRpo(context.drillStartedAt, context.newestRecoveryPointCreated ?? context.recoveryPoint.creationDate, context.targets),
    ),
};
