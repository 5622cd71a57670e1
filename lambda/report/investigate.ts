import type { DrillRecord } from '../domain/drill-record';
import { formatTime } from './format';

/**
 * What a person needs to investigate a drill from its report: where the tested runbook is, where
 * a kept copy is and until when, and console links to the source table, the restore job and the
 * drill's logs. Pure: the region and partition come from the source table's ARN, the log group
 * from the Lambda environment (passed in).
 */

export interface ReportContext {
  /** The drill Lambda's log group (AWS_LAMBDA_LOG_GROUP_NAME). */
  readonly logGroupName?: string;
}

export interface RunbookPointer {
  /** The CLI command that prints the latest tested runbook of the table. */
  readonly command: string;
  /** Where this drill recorded its restore request and what to re-apply: the drill-history item and attribute. */
  readonly historyKey: { readonly pk: string; readonly sk: string };
  readonly attribute: 'checked.runbook';
}

export interface ConsoleLinks {
  readonly table?: string;
  readonly restoredCopy?: string;
  readonly restoreJob?: string;
  readonly logs?: string;
}

/** The drill-history key of a drill (the same as lambda/ports/history-port.ts drillKey, as plain text). */
export const historyKeyOf = (drillId: string) => ({ pk: `DRILL#${drillId}`, sk: 'DRILL' });

export function runbookPointer(drill: Pick<DrillRecord, 'drillId' | 'sourceTable' | 'checked'>): RunbookPointer | undefined {
  if (!drill.checked?.runbook) return undefined;
  return {
    command: `restore-drill runbook ${drill.sourceTable}`,
    historyKey: historyKeyOf(drill.drillId),
    attribute: 'checked.runbook',
  };
}

/**
 * The console's host for a partition and Region. Commercial Regions use
 * `https://<region>.console.aws.amazon.com` (the Region-specific sign-in host the console itself
 * redirects to); GovCloud `https://console.amazonaws-us-gov.com`; China `https://console.amazonaws.cn`.
 */
function consoleHost(partition: string, region: string): string {
  if (partition === 'aws-us-gov') return 'https://console.amazonaws-us-gov.com';
  if (partition === 'aws-cn') return 'https://console.amazonaws.cn';
  return `https://${region}.console.aws.amazon.com`;
}

/**
 * The CloudWatch console's fragment encoding: URI-encoded twice with `%` written as `$`
 * (`/aws/lambda/f` -> `$252Faws$252Flambda$252Ff`; the `?` and `=` of the fragment's own query
 * encoded once: `$3F`, `$3D`), as the console writes its own log-group URLs.
 */
const cloudWatchFragment = (text: string) => encodeURIComponent(encodeURIComponent(text)).replace(/%/g, '$');

/**
 * Console URLs in the formats the consoles use for these pages (not an API contract; checked
 * against the consoles' own links):
 * - DynamoDB table:  <host>/dynamodbv2/home?region=<r>#table?name=<table>
 * - restore job:     <host>/backup/home?region=<r>#/jobs/restore/details/<restoreJobId>
 * - drill's logs:    <host>/cloudwatch/home?region=<r>#logsV2:log-groups/log-group/<group>/log-events$3FfilterPattern$3D<"drillId">
 */
export function consoleLinks(
  drill: Pick<DrillRecord, 'drillId' | 'sourceTable' | 'sourceTableArn' | 'restoreJobId' | 'restoredTableName'>,
  context: ReportContext,
  options: { readonly copyExists?: boolean } = {},
): ConsoleLinks {
  const [, partition, , region] = drill.sourceTableArn.split(':');
  if (!partition || !region) return {};
  const host = consoleHost(partition, region);
  const table = (name: string) => `${host}/dynamodbv2/home?region=${region}#table?name=${encodeURIComponent(name)}`;
  return {
    table: table(drill.sourceTable),
    restoredCopy: options.copyExists ? table(drill.restoredTableName) : undefined,
    restoreJob: drill.restoreJobId
      ? `${host}/backup/home?region=${region}#/jobs/restore/details/${encodeURIComponent(drill.restoreJobId)}`
      : undefined,
    logs: context.logGroupName
      ? `${host}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${cloudWatchFragment(context.logGroupName)}/log-events$3FfilterPattern$3D${cloudWatchFragment(`"${drill.drillId}"`)}`
      : undefined,
  };
}

/** The email lines: runbook, kept copy, links. */
export function investigationLines(
  drill: Pick<DrillRecord, 'drillId' | 'sourceTable' | 'sourceTableArn' | 'restoreJobId' | 'restoredTableName' | 'checked'>,
  context: ReportContext,
  kept?: { readonly tableName: string; readonly keptUntil: string },
): string[] {
  const lines: string[] = [];
  const runbook = runbookPointer(drill);
  if (runbook) {
    lines.push('Runbook');
    lines.push(`  ${runbook.command}   (the latest PASSed drill's tested procedure)`);
    lines.push(
      `  this drill's restore request and what to re-apply: drill history item pk=${runbook.historyKey.pk}, sk=${runbook.historyKey.sk}, attribute ${runbook.attribute}; restore-drill show ${drill.drillId}`,
    );
  }
  if (kept) {
    lines.push('Kept for investigation');
    lines.push(`  ${kept.tableName} is kept until ${formatTime(kept.keptUntil)}; the first scheduled drill after that deletes it`);
  }
  const links = consoleLinks(drill, context, { copyExists: Boolean(kept) });
  const linkLines = [
    links.table && `  source table   ${links.table}`,
    links.restoredCopy && `  kept copy      ${links.restoredCopy}`,
    links.restoreJob && `  restore job    ${links.restoreJob}`,
    links.logs && `  drill's logs   ${links.logs}`,
  ].filter((line): line is string => Boolean(line));
  if (linkLines.length) lines.push('Console', ...linkLines);
  return lines;
}
