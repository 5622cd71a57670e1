import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CheckedOutcome, CleanupOutcome, DrillOutcome, DrillRecord } from '../domain/drill-record';

/** The verdict: FAIL on an error outside the checks, else on the first failed check, else on a copy left behind. */
export function decideOutcome(parts: CheckedOutcome & { cleanup: CleanupOutcome; finishedAt: string }): DrillOutcome {
  const sourceReads = parts.checks.filter((c) => c.sourceReadUnits !== undefined);
  const failedCheck = parts.checks.find((c) => c.status === 'FAIL');
  const cleanupFailed = parts.cleanup.result === 'failed' || parts.cleanup.result === 'refused';
  const failure =
    parts.failure ??
    (failedCheck ? `${failedCheck.check}: ${failedCheck.summary}` : undefined) ??
    (cleanupFailed ? `cleanup: ${parts.cleanup.detail}` : undefined);
  return {
    verdict: failure ? 'FAIL' : 'PASS',
    failure,
    checks: parts.checks,
    cleanup: parts.cleanup,
    recoveryPointAgeSeconds: parts.recoveryPointAgeSeconds,
    restoreDurationSeconds: parts.restoreDurationSeconds !== undefined ? Math.round(parts.restoreDurationSeconds) : undefined,
    restoredScan: parts.restoredScan,
    sourceReadUnitsPerSecond: parts.sourceReadUnitsPerSecond,
    sourceReadUnits: sourceReads.length ? sourceReads.reduce((sum, c) => sum + (c.sourceReadUnits ?? 0), 0) : undefined,
    finishedAt: parts.finishedAt,
  };
}

export function emitMetrics(metrics: Metrics, drill: DrillRecord, outcome: DrillOutcome): void {
  metrics.addMetadata('table', drill.sourceTable);
  metrics.addMetadata('drillId', drill.drillId);
  // Per-table facts for the dashboard's Logs Insights widgets (lib/constructs/dashboard.ts): the
  // metrics carry only the service dimension, the EMF line carries these beside them.
  metrics.addMetadata('verdict', outcome.verdict);
  if (outcome.restoredScan) metrics.addMetadata('itemsProven', String(outcome.restoredScan.items));
  metrics.addMetadata('drillDurationSeconds', String(Math.round((Date.parse(outcome.finishedAt) - Date.parse(drill.startedAt)) / 1000)));
  metrics.addMetric('DrillCompleted', MetricUnit.Count, 1);
  metrics.addMetric('DrillFailed', MetricUnit.Count, outcome.verdict === 'FAIL' ? 1 : 0);
  if (outcome.restoreDurationSeconds !== undefined) {
    metrics.addMetric('RestoreDurationSeconds', MetricUnit.Seconds, outcome.restoreDurationSeconds);
  }
  if (outcome.recoveryPointAgeSeconds !== undefined) {
    metrics.addMetric('RecoveryPointAgeSeconds', MetricUnit.Seconds, outcome.recoveryPointAgeSeconds);
  }
  metrics.publishStoredMetrics();
}
