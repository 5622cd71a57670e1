import type { FinishedDrill } from '../../../lambda/report/drill-report';
import { drillMessage } from '../../../lambda/report/drill-report';
import { consoleLinks, investigationLines } from '../../../lambda/report/investigate';

const DRILL_ID = '20261128t060000z-3fa9c1d2';
const COPY = `drill-copy-orders-${DRILL_ID}`;

const drill = (overrides: Partial<FinishedDrill> = {}): FinishedDrill => ({
  drillId: DRILL_ID,
  sourceTable: 'orders',
  sourceTableArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/orders',
  trigger: 'schedule',
  startedAt: '2026-11-28T06:00:00.000Z',
  status: 'REPORTING',
  restoredTableName: COPY,
  restoreJobId: 'F3C1B7D2-0000-4A5B-9C8D-1234567890AB',
  restoreJob: { restoreJobId: 'F3C1B7D2-0000-4A5B-9C8D-1234567890AB', status: 'COMPLETED' },
  checked: {
    checks: [],
    runbook: {
      recoveryPointArn: 'arn:aws:backup:eu-west-1:123456789012:recovery-point:abc',
      backupVaultName: 'vault',
      restoreRoleArn: 'arn:aws:iam::123456789012:role/restore',
      metadata: { targetTableName: '<new-table-name>' },
      restoreCommand: 'aws backup start-restore-job ...',
      reapply: [],
    },
  },
  outcome: {
    verdict: 'PASS',
    checks: [{ check: 'restored', status: 'PASS', summary: 'job COMPLETED, table ACTIVE' }],
    cleanup: { result: 'deleted', detail: `deleted ${COPY}` },
    finishedAt: '2026-11-28T06:07:00.000Z',
  },
  ...overrides,
});

const decoded = (d: FinishedDrill, logGroupName?: string) => {
  const message = drillMessage(d, { logGroupName });
  const bodies = message.bodies as { default: string; email: string };
  return { email: bodies.email, json: JSON.parse(bodies.default) };
};

describe('the runbook, from the report (section 3)', () => {
  test("names the CLI command and the drill-history item that holds this drill's runbook", () => {
    const { email, json } = decoded(drill());
    expect(json.runbook).toEqual({
      command: 'restore-drill runbook orders',
      historyKey: { pk: `DRILL#${DRILL_ID}`, sk: 'DRILL' },
      attribute: 'checked.runbook',
    });
    expect(email).toContain('restore-drill runbook orders');
    expect(email).toContain(`pk=DRILL#${DRILL_ID}, sk=DRILL, attribute checked.runbook`);
  });

  test('a drill that recorded no runbook (no restore) points at none', () => {
    const { email, json } = decoded(drill({ checked: { checks: [] } }));
    expect(json.runbook).toBeUndefined();
    expect(email).not.toContain('Runbook');
  });
});

describe('console links', () => {
  test("the source table, the restore job and the drill's log events, in the Region of the table", () => {
    const links = consoleLinks(drill(), { logGroupName: '/aws/lambda/RestoreDrill-Function' });
    expect(links).toEqual({
      table: 'https://eu-west-1.console.aws.amazon.com/dynamodbv2/home?region=eu-west-1#table?name=orders',
      restoredCopy: undefined,
      restoreJob:
        'https://eu-west-1.console.aws.amazon.com/backup/home?region=eu-west-1#/jobs/restore/details/F3C1B7D2-0000-4A5B-9C8D-1234567890AB',
      logs: `https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252FRestoreDrill-Function/log-events$3FfilterPattern$3D$2522${DRILL_ID}$2522`,
    });
  });

  test('GovCloud and China have their own console hosts', () => {
    const gov = consoleLinks(drill({ sourceTableArn: 'arn:aws-us-gov:dynamodb:us-gov-west-1:123456789012:table/orders' }), {});
    expect(gov.table).toBe('https://console.amazonaws-us-gov.com/dynamodbv2/home?region=us-gov-west-1#table?name=orders');
    const cn = consoleLinks(drill({ sourceTableArn: 'arn:aws-cn:dynamodb:cn-north-1:123456789012:table/orders' }), {});
    expect(cn.table).toBe('https://console.amazonaws.cn/dynamodbv2/home?region=cn-north-1#table?name=orders');
  });

  test('no restore job, no log group: only the table', () => {
    const links = consoleLinks(drill({ restoreJobId: undefined }), {});
    expect(links.restoreJob).toBeUndefined();
    expect(links.logs).toBeUndefined();
    const { email } = decoded(drill({ restoreJobId: undefined }));
    expect(email).toContain('source table   https://eu-west-1.console.aws.amazon.com/dynamodbv2/home?region=eu-west-1#table?name=orders');
  });
});

describe('the investigation lines of the e-mail', () => {
  const host = 'https://eu-west-1.console.aws.amazon.com';
  const tableLink = (name: string) => `${host}/dynamodbv2/home?region=eu-west-1#table?name=${name}`;
  const restoreJobLink = `${host}/backup/home?region=eu-west-1#/jobs/restore/details/F3C1B7D2-0000-4A5B-9C8D-1234567890AB`;

  test('a kept copy: the runbook, the copy and until when it is kept, then every console link, the copy among them', () => {
    const kept = { tableName: COPY, keptUntil: '2026-11-29T06:00:00.000Z' };
    const lines = investigationLines(drill(), { logGroupName: '/aws/lambda/RestoreDrill-Function' }, kept);
    expect(lines).toEqual([
      'Runbook',
      "  restore-drill runbook orders   (the latest PASSed drill's tested procedure)",
      `  this drill's restore request and what to re-apply: drill history item pk=DRILL#${DRILL_ID}, sk=DRILL, attribute checked.runbook; restore-drill show ${DRILL_ID}`,
      'Kept for investigation',
      `  ${COPY} is kept until 2026-11-29 06:00:00 UTC; the first scheduled drill after that deletes it`,
      'Console',
      `  source table   ${tableLink('orders')}`,
      `  kept copy      ${tableLink(COPY)}`,
      `  restore job    ${restoreJobLink}`,
      `  drill's logs   ${consoleLinks(drill(), { logGroupName: '/aws/lambda/RestoreDrill-Function' }).logs}`,
    ]);
  });

  test('no kept copy: no link to a copy that was deleted', () => {
    const lines = investigationLines(drill(), {});
    expect(lines).not.toContain('Kept for investigation');
    expect(lines.filter((line) => line.startsWith('  kept copy'))).toEqual([]);
    expect(lines.slice(-3)).toEqual(['Console', `  source table   ${tableLink('orders')}`, `  restore job    ${restoreJobLink}`]);
  });
});
