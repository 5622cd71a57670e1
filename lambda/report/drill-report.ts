import type { CheckResult } from '../domain/check-result';
import type { DrillOutcome, DrillRecord, FanOutRecord } from '../domain/drill-record';
import type { DrillMessage } from '../ports/notifier-port';
import { formatCount, formatDuration, formatTime } from './format';
import { consoleLinks, investigationLines, type ReportContext, runbookPointer } from './investigate';

/**
 * One SNS message per drill: a subject that says it all (verdict, table, RTO, RPO, and on a FAIL
 * what failed), an email body a person reads in ten seconds, and a JSON document for machine
 * subscribers (SNS MessageStructure "json").
 */

/**
 * SNS Publish (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html): "Subjects must be
 * UTF-8 text with no line breaks or control characters, and less than 100 characters long" (older
 * revisions of the page said ASCII). The drill keeps to printable ASCII on one line, which
 * satisfies both and survives every mail client.
 */
export const SUBJECT_LIMIT = 99;
/** The shortest a table name is cut to in a subject: enough to tell tables apart at a glance. */
const SUBJECT_TABLE_MIN = 16;
/** SNS allows 256 KB per message; stay clear of it with room for attributes and JSON escaping. */
const BODY_LIMIT = 100_000;
const SUMMARY_LIMIT = 1_000;

export interface FinishedDrill extends DrillRecord {
  readonly outcome: DrillOutcome;
}

export const clip = (text: string, limit: number) => (text.length <= limit ? text : `${text.slice(0, Math.max(0, limit - 3))}...`);

/** Printable ASCII on one line: what a subject may hold. */
export function asciiOnly(text: string): string {
  return text
    .replace(/[—–]/g, '-')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?');
}

/** Keeps both ends of a long name (tables often differ only in a suffix such as a stage). */
export function shortenMiddle(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const keep = Math.max(2, limit - 3);
  const start = Math.ceil(keep / 2);
  return `${text.slice(0, start)}...${text.slice(text.length - (keep - start))}`;
}

/**
 * `[FAIL] restore drill <table>: RTO <rto>, RPO <rpo> - <what failed>`, at most 99 characters.
 * What failed is the point of a FAIL subject, so it gives way last: first the table name is
 * shortened (both ends kept, down to 16 characters), then RTO and RPO are left to the body, and
 * only then is the list abbreviated ("5 checks failed: schema, item count, +3 more").
 */
export function reportSubject(drill: FinishedDrill): string {
  const { outcome } = drill;
  const rto = outcome.restoreDurationSeconds !== undefined ? formatDuration(outcome.restoreDurationSeconds) : 'n/a';
  const rpo = outcome.recoveryPointAgeSeconds !== undefined ? formatDuration(outcome.recoveryPointAgeSeconds) : 'none';
  const head = `[${outcome.verdict}] restore drill `;
  const metrics = `: RTO ${rto}, RPO ${rpo}`;
  const table = asciiOnly(drill.sourceTable);
  // Stryker disable next-line ConditionalExpression: a PASS outcome has no failed check, failure or failed cleanup (decideOutcome), so its reasons are none either way
  const reasons = outcome.verdict === 'FAIL' ? failReasons(drill).map(asciiOnly) : [];
  const why = reasons.length ? ` - ${reasons.join(', ')}` : '';
  const minTable = Math.min(SUBJECT_TABLE_MIN, table.length);

  const withMetrics = SUBJECT_LIMIT - head.length - metrics.length - why.length;
  if (withMetrics >= minTable) return `${head}${shortenMiddle(table, withMetrics)}${metrics}${why}`;
  const withoutMetrics = SUBJECT_LIMIT - head.length - why.length;
  if (withoutMetrics >= minTable) return `${head}${shortenMiddle(table, withoutMetrics)}${why}`;
  const shortTable = shortenMiddle(table, minTable);
  return `${head}${shortTable} - ${abbreviated(reasons, SUBJECT_LIMIT - head.length - shortTable.length - 3)}`;
}

/** "N checks failed: a, b, +K more" with as many names as fit; the first name is clipped if it alone is too long. */
function abbreviated(reasons: readonly string[], room: number): string {
  const lead = `${reasons.length} checks failed: `;
  // Stryker disable next-line EqualityOperator: with one name shown, the clipping below gives the same text whenever it fits
  for (let shown = reasons.length; shown >= 1; shown--) {
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: every name fits after the "N checks failed" lead only if it fitted without it, which returned above
    const more = shown < reasons.length ? `, +${reasons.length - shown} more` : '';
    const text = `${lead}${reasons.slice(0, shown).join(', ')}${more}`;
    if (text.length <= room) return text;
  }
  const more = reasons.length > 1 ? `, +${reasons.length - 1} more` : '';
  return `${clip(`${lead}${reasons[0]}`, room - more.length)}${more}`;
}

/**
 * Early failures (before any restore) start with one of these labels, which the subject repeats.
 * Longest first: "no recovery point yet" must not read as "no recovery point".
 */
export const EARLY_FAILURE_LABELS = [
  'no recovery point yet',
  'no recovery point',
  'KMS key not granted',
  'restore job not found',
  'table in another account or Region',
] as const;

/** What failed, in a word or two each: the failed checks, else the step, and a copy left behind. */
function failReasons(drill: FinishedDrill): string[] {
  const { outcome } = drill;
  const reasons = outcome.checks.filter((c) => c.status === 'FAIL').map((c) => c.check);
  const cleanupFailed = outcome.cleanup.result === 'failed' || outcome.cleanup.result === 'refused';
  const failure = outcome.failure ?? '';
  if (reasons.length === 0 && failure && !failure.startsWith('cleanup:')) {
    const label = EARLY_FAILURE_LABELS.find((l) => failure.startsWith(`${l}:`));
    reasons.push(label ?? (drill.restoreJobId ? 'drill error' : 'no restore'));
  }
  if (cleanupFailed) reasons.push('cleanup');
  return reasons;
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

/** A copy kept for investigation (keepFailedCopyHours), else undefined. */
function keptCopy(drill: FinishedDrill): { tableName: string; keptUntil: string } | undefined {
  const { cleanup } = drill.outcome;
  return cleanup.result === 'kept' && cleanup.keptUntil
    ? { tableName: cleanup.tableName ?? drill.restoredTableName, keptUntil: cleanup.keptUntil }
    : undefined;
}

export function reportText(drill: FinishedDrill, context: ReportContext = {}): string {
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
    // The RPO age is the newest point's: say so when another point was restored.
    const age =
      outcome.recoveryPointAgeSeconds === undefined
        ? ''
        : point.newestCreationDate
          ? ` (newest point ${formatTime(point.newestCreationDate)}, ${formatDuration(outcome.recoveryPointAgeSeconds)} old)`
          : ` (${formatDuration(outcome.recoveryPointAgeSeconds)} old)`;
    lines.push(`  created       ${formatTime(point.creationDate)}${age}, vault ${point.backupVaultName}`);
    if (point.selectedBy) lines.push(`  chosen by     ${point.selectedBy}`);
  } else {
    lines.push('Recovery point  none found');
  }
  if (drill.restoreJobId) {
    const job = drill.restoreJob;
    const took = outcome.restoreDurationSeconds !== undefined ? `, restore took ${formatDuration(outcome.restoreDurationSeconds)}` : '';
    lines.push(`Restore job     ${drill.restoreJobId} ${job?.status ?? ''}${took}`);
    lines.push(`Restored copy   ${drill.restoredTableName}`);
  }
  const test = drill.restoreTest;
  if (test) {
    lines.push(
      `Restore test    plan ${test.planArn}${test.validationWindowHours ? `, validation window ${test.validationWindowHours} h` : ''}`,
    );
    if (test.validation) lines.push(`  validation    ${test.validation.detail}`);
  }
  if (drill.fanOut) lines.push(`Fan-out         ${fanOutLine(drill.fanOut)}`);
  lines.push('');
  lines.push('Checks');
  lines.push(...(outcome.checks.length ? checkLines(outcome.checks) : ['  none ran']));
  const reads = [
    outcome.restoredScan
      ? `restored copy: ${formatCount(outcome.restoredScan.items)} items in ${drill.fanOut ? `a fan-out scan of ${drill.fanOut.segments} segments on Step Functions` : 'one parallel scan'}, ${formatCount(outcome.restoredScan.readUnits)} read units`
      : '',
    outcome.sourceReadUnits !== undefined
      ? `source: ${formatCount(outcome.sourceReadUnits)} read units${outcome.sourceReadUnitsPerSecond !== undefined ? ` (paced to ${formatCount(outcome.sourceReadUnitsPerSecond)} units/s at most)` : ''}`
      : '',
  ].filter(Boolean);
  if (reads.length) lines.push(`  reads: ${reads.join('; ')}`);
  lines.push('');
  lines.push('Cleanup');
  lines.push(`  ${outcome.cleanup.result}: ${outcome.cleanup.detail}`);
  const investigation = investigationLines(drill, context, keptCopy(drill));
  if (investigation.length) lines.push('', ...investigation);
  // The drill id closes every body, however long: it is what a subscriber de-duplicates on.
  const footer = `\n\nDrill ${drill.drillId}, triggered by ${drill.trigger} at ${formatTime(drill.startedAt)}, finished ${formatTime(outcome.finishedAt)}.`;
  return `${clip(lines.join('\n'), BODY_LIMIT - footer.length)}${footer}`;
}

/** The execution that scanned a large copy: what a person opens in the Step Functions console. */
export function fanOutLine(fanOut: FanOutRecord): string {
  const ended = fanOut.ended ? `, ended ${fanOut.ended.status} ${formatTime(fanOut.ended.at)}` : ', running';
  return `execution ${fanOut.executionArn} (${fanOut.workers} workers at once, ${fanOut.segments} segments, ~${formatCount(fanOut.estimatedItems)} items estimated), started ${formatTime(fanOut.startedAt)}${ended}`;
}

export function reportDocument(drill: FinishedDrill, context: ReportContext = {}) {
  const { outcome } = drill;
  const kept = keptCopy(drill);
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
    restoreTest: drill.restoreTest,
    fanOut: drill.fanOut && {
      executionArn: drill.fanOut.executionArn,
      startedAt: drill.fanOut.startedAt,
      workers: drill.fanOut.workers,
      segments: drill.fanOut.segments,
      estimatedItems: drill.fanOut.estimatedItems,
      ended: drill.fanOut.ended,
    },
    keptCopy: kept,
    runbook: runbookPointer(drill),
    links: consoleLinks(drill, context, { copyExists: Boolean(kept) }),
  };
}

export function drillMessage(drill: FinishedDrill, context: ReportContext = {}): DrillMessage {
  const json = JSON.stringify(reportDocument(drill, context));
  return {
    subject: reportSubject(drill),
    bodies: { default: json, email: reportText(drill, context), 'email-json': json },
    // drillId: a report can reach subscribers twice (see publishReport); the id tells a repeat.
    attributes: { verdict: drill.outcome.verdict, table: drill.sourceTable, drillId: drill.drillId },
  };
}
