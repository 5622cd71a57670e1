import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RestoreDrillSettings } from '../../lib/settings';
import { NATIVE_SETTINGS, type PolicyStatementJson, asList, identityStatements, logicalIdOf, synthesize } from './synth';

/**
 * The drill Lambda's role against the engine's code: every AWS API operation the engine calls
 * (read from the SDK commands and paginators imported by lambda/ports, the only place the engine
 * touches the SDK) is allowed, and nothing is allowed beyond what the engine calls, what the
 * Lambda platform needs and the KMS use of the encrypted table and topic. Adding an SDK call
 * without its permission, or a permission nothing uses, fails here.
 */

const PORTS_DIR = path.join(__dirname, '..', '..', 'lambda', 'ports');

const SERVICE_PREFIX: Record<string, string> = { backup: 'backup', dynamodb: 'dynamodb', kms: 'kms', sns: 'sns', sfn: 'states' };

/** IAM actions an operation needs besides its own (AWS Backup docs: StartRestoreJob passes the role). */
const IMPLIED: Record<string, string[]> = { 'backup:StartRestoreJob': ['iam:PassRole'] };

/** Actions the Lambda platform needs, not the engine's code: each with why. */
const PLATFORM: Record<string, string> = {
  'sqs:SendMessage': 'the asynchronous-invocation on-failure destination',
  'sqs:GetQueueAttributes': 'the on-failure destination (CDK SqsDestination grant)',
  'sqs:GetQueueUrl': 'the on-failure destination (CDK SqsDestination grant)',
  'xray:PutTraceSegments': 'active tracing',
  'xray:PutTelemetryRecords': 'active tracing',
  'logs:CreateLogStream': 'the function log group',
  'logs:PutLogEvents': 'the function log group',
};

function engineActions(): Set<string> {
  const actions = new Set<string>();
  for (const file of readdirSync(PORTS_DIR).filter((name) => name.endsWith('.ts'))) {
    const source = readFileSync(path.join(PORTS_DIR, file), 'utf8');
    for (const [, imported, client] of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z0-9-]+)'/g)) {
      const prefix = SERVICE_PREFIX[client];
      if (!prefix) throw new Error(`${file} imports @aws-sdk/client-${client}: add its IAM prefix to this test`);
      for (const name of imported.split(',').map((part) => part.trim().replace(/^type\s+/, ''))) {
        const operation = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
        if (!operation) continue;
        // The usage of the import, not just the import, proves the call.
        if (!new RegExp(`\\b${name}\\b`).test(source.replace(/import[\s\S]*?from\s*'[^']+';/g, ''))) continue;
        actions.add(`${prefix}:${operation}`);
        for (const implied of IMPLIED[`${prefix}:${operation}`] ?? []) actions.add(implied);
      }
    }
  }
  return actions;
}

/** Verbs of actions that change or destroy something, or hand out power. */
/**
 * DynamoDB and SNS use KMS keys on the drill's behalf: the data key (CDK grants on the history
 * table and topic) and the keys of drilled tables that have one (`kmsKeyArn`).
 */
const KMS_ON_BEHALF = new Set([
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
  'kms:GenerateDataKey',
  'kms:DescribeKey',
]);

const DESTRUCTIVE = /^(Delete|Put|Update|Start|Stop|BatchWrite|Create|Restore|Tag|Untag|Send|Publish|PassRole)/;

const matches = (granted: string, action: string) =>
  granted === action || granted === '*' || (granted.endsWith('*') && action.startsWith(granted.slice(0, -1)));

/** Operations the engine calls only in native mode (AWS Backup restore testing): allowed only there. */
const NATIVE_ONLY = new Set(['backup:PutRestoreValidationResult']);
/**
 * Operations the engine calls only when the stack has the fan-out state machine
 * (FAN_OUT_STATE_MACHINE_ARN): StartExecution for a copy too large for one invocation,
 * StopExecution for one overdue. Not granted by a stack without it; a stack with it must allow both.
 */
const FAN_OUT_ONLY = new Set(['states:StartExecution', 'states:StopExecution']);
/** With keepFailedCopyHours on: the only setting that adds an engine call (TagResource on kept copies). */
const KEEP_COPY = { keepFailedCopyHours: 24 } as const;

function drillRoleStatements(settings?: RestoreDrillSettings): PolicyStatementJson[] {
  const { stack, template } = synthesize({ settings });
  const roleId = logicalIdOf(stack.drill.drillFunction.role!);
  const attached = new Set(
    Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([, policy]) => (policy.Properties.Roles ?? []).some((role: { Ref?: string }) => role.Ref === roleId))
      .map(([id]) => id),
  );
  attached.add(roleId);
  return identityStatements(template)
    .filter(({ owner }) => attached.has(owner))
    .map(({ statement }) => statement);
}

describe.each([
  // Both with keepFailedCopyHours on, so every operation the engine can call is granted somewhere.
  ['drill mode', KEEP_COPY],
  ['native mode', { ...NATIVE_SETTINGS, ...KEEP_COPY }],
] as const)('drill Lambda role vs the engine, %s', (mode, settings) => {
  const statements = drillRoleStatements(settings);
  const allowed = statements.filter((s) => s.Effect === 'Allow').flatMap((s) => asList(s.Action));
  // A stack with the fan-out state machine grants the drill its calls, both of them; one without grants neither.
  const fanOut = allowed.some((granted) => granted.startsWith('states:'));
  const used = new Set(
    [...engineActions()].filter((action) => (mode === 'native mode' || !NATIVE_ONLY.has(action)) && (fanOut || !FAN_OUT_ONLY.has(action))),
  );

  test('the ports call the operations the drill needs (the scan of lambda/ports works)', () => {
    expect([...used]).toEqual(
      expect.arrayContaining([
        'backup:ListRecoveryPointsByBackupVault',
        'backup:StartRestoreJob',
        'backup:DescribeRestoreJob',
        'dynamodb:DeleteTable',
        'dynamodb:Scan',
        'sns:Publish',
        'iam:PassRole',
      ]),
    );
  });

  test.each([...used].sort())('%s is allowed', (action) => {
    expect(allowed.some((granted) => matches(granted, action))).toBe(true);
  });

  test('nothing is allowed that neither the engine, the platform nor KMS-on-behalf uses', () => {
    const unused = [...new Set(allowed)].filter((action) => !used.has(action) && !(action in PLATFORM) && !KMS_ON_BEHALF.has(action));
    expect(unused).toEqual([]);
  });

  test("the fan-out operations are the engine's (granted by the stack's fan-out state machine, asserted where it is built)", () => {
    expect([...engineActions()]).toEqual(expect.arrayContaining([...FAN_OUT_ONLY]));
  });

  test('PutRestoreValidationResult only in native mode', () => {
    expect(allowed.includes('backup:PutRestoreValidationResult')).toBe(mode === 'native mode');
  });

  test('nothing that changes or destroys is allowed beyond what the engine calls', () => {
    const extra = [...new Set(allowed)]
      .filter((action) => DESTRUCTIVE.test(action.split(':')[1] ?? ''))
      .filter((action) => !used.has(action) && !(action in PLATFORM));
    expect(extra).toEqual([]);
  });
});

describe('keepFailedCopyHours', () => {
  const granted = (statements: PolicyStatementJson[]) =>
    statements.filter((s) => s.Effect === 'Allow' && asList(s.Action).includes('dynamodb:TagResource'));

  test('off (the default): no TagResource at all', () => {
    expect(granted(drillRoleStatements({}))).toEqual([]);
  });

  test('on: TagResource on the restored copies (table/<prefix>*) only', () => {
    const [statement, ...more] = granted(drillRoleStatements(KEEP_COPY));
    expect(more).toEqual([]);
    expect(statement.Sid).toBe('TagKeptCopiesOnly');
    expect(JSON.stringify(statement.Resource)).toMatch(/:table\/drill-copy-\*"/);
  });
});
