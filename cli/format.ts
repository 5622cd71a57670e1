import type { DrillRecord } from '../lambda/domain/drill-record';
import { fanOutLine } from '../lambda/report/drill-report';
import { formatDuration } from '../lambda/report/format';
import type { Deployment } from './deployment';

/** How the CLI prints drills for people (`--json` prints the records themselves for scripts). */

const seconds = (value: number | undefined) => (value === undefined ? '-' : formatDuration(value));

export function statusLine(table: string, last?: DrillRecord, lastPass?: DrillRecord, running?: DrillRecord): string {
  const verdict = last?.outcome?.verdict ?? 'NEVER';
  const proven = lastPass?.outcome ? `last proven ${lastPass.outcome.finishedAt}` : 'never proven restorable';
  const numbers = last?.outcome
    ? `RTO ${seconds(last.outcome.restoreDurationSeconds)}, RPO ${seconds(last.outcome.recoveryPointAgeSeconds)}`
    : '';
  const now = running ? ` (drill ${running.drillId} ${running.status})` : '';
  return [`${verdict.padEnd(5)} ${table}`, proven, numbers].filter(Boolean).join('  ') + now;
}

export function historyLine(record: DrillRecord): string {
  const verdict = record.outcome?.verdict ?? record.status;
  const numbers = record.outcome
    ? `RTO ${seconds(record.outcome.restoreDurationSeconds)}, RPO ${seconds(record.outcome.recoveryPointAgeSeconds)}`
    : '';
  return [record.startedAt, verdict.padEnd(9), record.sourceTable, numbers, record.drillId].filter(Boolean).join('  ');
}

export function showText(record: DrillRecord, deployment: Deployment): string {
  const outcome = record.outcome;
  const lines = [
    `drill ${record.drillId}: ${outcome?.verdict ?? record.status} (${record.trigger}, started ${record.startedAt})`,
    `table: ${record.sourceTable} (${record.sourceTableArn})`,
  ];
  if (outcome?.failure) lines.push(`failure: ${outcome.failure}`);
  if (record.recoveryPoint)
    lines.push(
      `recovery point: ${record.recoveryPoint.recoveryPointArn} (vault ${record.recoveryPoint.backupVaultName}, created ${record.recoveryPoint.creationDate})`,
    );
  if (record.restoreJob)
    lines.push(
      `restore job: ${record.restoreJob.restoreJobId} ${record.restoreJob.status}${record.restoreJob.statusMessage ? `: ${record.restoreJob.statusMessage}` : ''}`,
    );
  if (record.fanOut) lines.push(`fan-out: ${fanOutLine(record.fanOut)}`);
  lines.push(
    `restored copy: ${record.restoredTableName}${outcome?.cleanup ? ` (${outcome.cleanup.result}: ${outcome.cleanup.detail})` : ''}`,
  );
  if (outcome) lines.push(`RTO ${seconds(outcome.restoreDurationSeconds)}, RPO ${seconds(outcome.recoveryPointAgeSeconds)}`);
  for (const check of outcome?.checks ?? record.checked?.checks ?? []) {
    lines.push(`  ${check.status.padEnd(4)} ${check.check}: ${check.summary}`);
    if (check.nextStep && check.status !== 'PASS') lines.push(`       next: ${check.nextStep}`);
  }
  if (record.checked?.runbook)
    lines.push(`runbook: restore-drill runbook ${record.sourceTable}${deployment.stackName ? ` --stack ${deployment.stackName}` : ''}`);
  return lines.join('\n');
}

export function runbookText(record: DrillRecord, deployment: Deployment): string {
  const runbook = record.checked?.runbook;
  if (!runbook) {
    return `drill ${record.drillId} PASSed but recorded no runbook (it ran before runbooks were recorded); run a drill: restore-drill run --table ${record.sourceTable} --follow --stack ${deployment.stackName}`;
  }
  return [
    `Recovery runbook for ${record.sourceTable}, tested by drill ${record.drillId} (PASS, finished ${record.outcome?.finishedAt ?? '?'})`,
    '',
    `1. Restore (this request restored the table in ${seconds(runbook.restoreDurationSeconds)}). Choose the new table's name;`,
    `   for the newest backup, list recovery points first: aws backup list-recovery-points-by-resource --resource-arn ${record.sourceTableArn}`,
    '',
    `   ${runbook.restoreCommand.split('\n').join('\n   ')}`,
    '',
    '   Wait for it: aws backup describe-restore-job --restore-job-id <id from the answer>',
    '',
    '2. Re-apply what a restore does not carry:',
    ...runbook.reapply.map((item) => `   - ${item.setting}:\n     ${item.command}`),
    '',
    '3. Point the application at the new table, or copy the items you need back.',
  ].join('\n');
}
