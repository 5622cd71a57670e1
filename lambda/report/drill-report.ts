import type { CheckResult } from '../checks/check';
import type { DrillOutcome, DrillRecord } from '../drill/drill-record';
import type { DrillMessage } from '../ports/notifier-port';
import { formatCount, formatDuration, formatTime } from './format';

/**
 * One SNS message per drill: a subject that says it all (verdict, table, RTO, RPO; at most 100
 * printable ASCII characters, SNS's limit), an email body a person reads in ten seconds, and a
 * JSON document for machine subscribers (SNS MessageStructure "json").
 */

export const SUBJECT_LIMIT = 99; // SNS Publish: a Subject must be "less than 100 characters long" (SNS API model)
/** SNS allows 256 KB per message; stay clear of it with room for attributes and JSON escaping. */
const BODY_LIMIT = 100_000;
const SUMMARY_LIMIT = 1_000;

export interface FinishedDrill extends DrillRecord {
  readonly outcome: DrillOutcome;
}

const clip = (text: string, limit: number) => (text.length <= limit ? text : `${text.slice(0, limit - 3)}...`);

function asciiOnly(text: string): string {
  return text.replace(/[—–]/g, '-').replace(/[^\x20-\x7e]/g, '?');
}

export function reportSubject(drill: FinishedDrill): string {
  const { outcome } = drill;
  const rto = outcome.restoreDurationSeconds !== undefined ? formatDuration(outcome.restoreDurationSeconds) : 'n/a';
  const rpo = outcome.recoveryPointAgeSeconds !== undefined ? formatDuration(outcome.recoveryPointAgeSeconds) : 'none';
  const head = `[${outcome.verdict}] restore drill `;
  const tail = `: RTO ${rto}, RPO ${rpo}`;
  const failed = outcome.checks.filter((c) => c.status === 'FAIL').map((c) => c.check);
  const why = outcome.verdict === 'FAIL' ? ` - ${failed.length ? failed.join(', ') : failedOutsideChecks(drill)}` : '';
  const room = SUBJECT_LIMIT - head.length - tail.length;
  const table = clip(drill.sourceTable, Math.max(10, room));
  return asciiOnly(clip(`${head}${table}${tail}${why}`, SUBJECT_LIMIT));
}

/** What a FAIL with no failed check is about, in a word or two for the subject. */
function failedOutsideChecks(drill: FinishedDrill): string {
  if (drill.outcome.failure?.startsWith('cleanup:')) return 'cleanup';
  return drill.restoreJobId ? 'drill error' : 'no restore';
}

const pad = (text: string, width: number) => text.padEnd(width);

function checkLines(checks: readonly CheckResult[]): string[] {
  const width = Math.max(8, ...checks.map((c) => c.check.length)) + 2;
  return checks.flatMap((c) => [
    `  ${pad(c.status, 5)} ${pad(c.check, width)}${clip(c.summary, SUMMARY_LIMIT)}${
      c.sourceReadUnits !== undefined ? ` [${formatCount(c.sourceReadUnits)} source read units]` : ''
    }`,
    ...(c.nextStep && c.status !== 'PASS' ? [`        ${' '.repeat(width)}next: ${c.nextStep}`] : []),
  ]);
}

export function reportText(drill: FinishedDrill): string {
  const { outcome } = drill;
  const lines: string[] = [];
  lines.push(`${outcome.verdict}: restore drill of ${drill.sourceTable}`);
  if (outcome.failure) lines.push(`What failed: ${outcome.failure}`);
  const firstFail = outcome.checks.find((c) => c.status === 'FAIL');
  if (!outcome.failure && firstFail) {
    lines.push(`What failed: ${firstFail.check} - ${clip(firstFail.summary, SUMMARY_LIMIT)}`);
    if (firstFail.nextStep) lines.push(`Next step: ${firstFail.nextStep}`);
  }
  lines.push('');
  const point = drill.recoveryPoint;
  if (point) {
    lines.push(`Recovery point  ${point.recoveryPointArn}`);
    lines.push(
      `  created       ${formatTime(point.creationDate)}${
        outcome.recoveryPointAgeSeconds !== undefined ? ` (${formatDuration(outcome.recoveryPointAgeSeconds)} old)` : ''
      }, vault ${point.backupVaultName}`,
    );
  } else {
    lines.push('Recovery point  none found');
  }
  if (drill.restoreJobId) {
    const job = drill.restoreJob;
    const took = outcome.restoreDurationSeconds !== undefined ? `, restore took ${formatDuration(outcome.restoreDurationSeconds)}` : '';
    lines.push(`Restore job     ${drill.restoreJobId} ${job?.status ?? ''}${took}`);
    lines.push(`Restored copy   ${drill.restoredTableName}`);
  }
  lines.push('');
  lines.push('Checks');
  lines.push(...(outcome.checks.length ? checkLines(outcome.checks) : ['  none ran']));
  const reads = [
    outcome.restoredScan
      ? `restored copy: ${formatCount(outcome.restoredScan.items)} items in one parallel scan, ${formatCount(outcome.restoredScan.readUnits)} read units`
      : '',
    outcome.sourceReadUnits !== undefined
      ? `source: ${formatCount(outcome.sourceReadUnits)} read units${outcome.sourceReadUnitsPerSecond !== undefined ? ` (paced to ${formatCount(outcome.sourceReadUnitsPerSecond)} units/s at most)` : ''}`
      : '',
  ].filter(Boolean);
  if (reads.length) lines.push(`  reads: ${reads.join('; ')}`);
  lines.push('');
  lines.push('Cleanup');
  lines.push(`  ${outcome.cleanup.result}: ${outcome.cleanup.detail}`);
  lines.push('');
  lines.push(
    `Drill ${drill.drillId}, triggered by ${drill.trigger} at ${formatTime(drill.startedAt)}, finished ${formatTime(outcome.finishedAt)}.`,
  );
  return clip(lines.join('\n'), BODY_LIMIT);
}

export function reportDocument(drill: FinishedDrill) {
  const { outcome } = drill;
  return {
    verdict: outcome.verdict,
    table: drill.sourceTable,
    tableArn: drill.sourceTableArn,
    drillId: drill.drillId,
    trigger: drill.trigger,
    startedAt: drill.startedAt,
    finishedAt: outcome.finishedAt,
    failure: outcome.failure,
    recoveryPoint: drill.recoveryPoint && {
      ...drill.recoveryPoint,
      ageSeconds: outcome.recoveryPointAgeSeconds,
    },
    restoreJob: drill.restoreJobId && {
      restoreJobId: drill.restoreJobId,
      status: drill.restoreJob?.status,
      statusMessage: drill.restoreJob?.statusMessage,
      durationSeconds: outcome.restoreDurationSeconds,
    },
    restoredTable: drill.restoreJobId ? drill.restoredTableName : undefined,
    checks: outcome.checks.map((c) => ({ ...c, summary: clip(c.summary, SUMMARY_LIMIT) })),
    reads: {
      restoredScan: outcome.restoredScan,
      sourceReadUnits: outcome.sourceReadUnits,
      sourceReadUnitsPerSecond: outcome.sourceReadUnitsPerSecond,
    },
    cleanup: outcome.cleanup,
  };
}

export function drillMessage(drill: FinishedDrill): DrillMessage {
  const json = JSON.stringify(reportDocument(drill));
  return {
    subject: reportSubject(drill),
    bodies: { default: json, email: reportText(drill), 'email-json': json },
    attributes: { verdict: drill.outcome.verdict, table: drill.sourceTable },
  };
}
