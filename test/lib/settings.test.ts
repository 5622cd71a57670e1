import { FIXTURE_DEFAULT_PROPERTY_COUNT } from '../../lambda/fixture/fixture-items';
import { DEFAULT_SETTINGS, type RestoreDrillSettings, SettingsError, resolveSettings, settingsFromContext } from '../../lib/settings';
import { TEST_ENV, buildStack } from './synth';

/** Asserts that resolving the settings fails with an error naming `setting`. */
function expectRejected(settings: RestoreDrillSettings, setting: string, detail?: RegExp): void {
  let caught: unknown;
  try {
    resolveSettings(settings);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SettingsError);
  const error = caught as SettingsError;
  expect(error.setting).toBe(setting);
  expect(error.message).toContain(`"${setting}"`);
  expect(error.message).toContain('Accepted:');
  if (detail) expect(error.message).toMatch(detail);
}

function context(values: Record<string, unknown>): (key: string) => unknown {
  return (key) => values[key];
}

describe('defaults', () => {
  test('no settings: every default from one place', () => {
    const settings = resolveSettings();
    expect(settings).toMatchObject({
      tables: [],
      vaultNames: [],
      vaultKeyArns: [],
      notifyFailuresOnly: false,
      drillSchedule: 'cron(0 6 * * ? *)',
      drillAfterBackup: false,
      backupSchedule: 'cron(0 3 * * ? *)',
      backupRetentionDays: 35,
      rpoTargetHours: 26,
      rtoTargetMinutes: 60,
      itemCountTolerancePercent: 5,
      sampleSize: 50,
      scanSegments: 6,
      sourceReadBudgetUnits: 50_000,
      sourceReadUnitsPerSecond: 200,
      restoreTablePrefix: 'drill-copy-',
      fixturePropertyCount: FIXTURE_DEFAULT_PROPERTY_COUNT,
      vaultAdminPrincipalArns: [],
    });
    expect(settings.notificationEmail).toBeUndefined();
    expect(settings.coldStorageAfterDays).toBeUndefined();
    expect(settings.restoreKmsKeyArn).toBeUndefined();
    expect(settings).toMatchObject(DEFAULT_SETTINGS);
  });

  test('empty context: the same defaults', () => {
    expect(resolveSettings(settingsFromContext(context({})))).toEqual(resolveSettings());
  });
});

describe('tables', () => {
  test('Compliance: name, ARN and object entries', () => {
    const settings = resolveSettings({
      tables: [
        'orders',
        'arn:aws:dynamodb:eu-west-1:123456789012:table/scans',
        { table: 'rooms.v2', createdAtAttribute: 'created', canary: true, customChecks: ['polygon-closes'] },
      ],
    });
    expect(settings.tables).toEqual([
      { tableName: 'orders' },
      { tableName: 'scans', tableArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/scans' },
      expect.objectContaining({ tableName: 'rooms.v2', createdAtAttribute: 'created', canary: true, customChecks: ['polygon-closes'] }),
    ]);
  });

  test('Compliance: a table with its customer-managed key', () =>
    expect(
      resolveSettings({
        tables: [{ table: 'orders', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/aaaa1111-2222-3333-4444-555555555555' }],
      }).tables[0].kmsKeyArn,
    ).toBe('arn:aws:kms:eu-west-1:123456789012:key/aaaa1111-2222-3333-4444-555555555555'));
  test('Noncompliance: a table key given as an alias', () =>
    expectRejected(
      { tables: [{ table: 'orders', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:alias/orders' }] },
      'tables[0].kmsKeyArn',
      /not a KMS key ARN.*not an alias/,
    ));
  test('Noncompliance: a table key given as a key id', () =>
    expectRejected({ tables: [{ table: 'orders', kmsKeyArn: 'aaaa1111-2222-3333-4444-555555555555' }] }, 'tables[0].kmsKeyArn'));
  test('Noncompliance: table name too short', () => expectRejected({ tables: ['ab'] }, 'tables[0]', /not a valid DynamoDB table name/));
  test('Noncompliance: table name with invalid characters', () => expectRejected({ tables: ['orders', 'my table!'] }, 'tables[1]'));
  test('Noncompliance: table name longer than 255', () => expectRejected({ tables: ['t'.repeat(256)] }, 'tables[0]'));
  test('Noncompliance: malformed table ARN', () =>
    expectRejected({ tables: ['arn:aws:dynamodb:eu-west-1:1234:table/orders'] }, 'tables[0]', /not a DynamoDB table ARN/));
  test('Noncompliance: ARN of another service', () => expectRejected({ tables: ['arn:aws:s3:::orders'] }, 'tables[0]'));
  test('Noncompliance: object without table', () =>
    expectRejected({ tables: [{ canary: true } as unknown as { table: string }] }, 'tables[0].table'));
  test('Noncompliance: unknown field in a table object', () =>
    expectRejected({ tables: [{ table: 'orders', sampleSize: 5 } as unknown as { table: string }] }, 'tables[0].sampleSize'));
  test('Noncompliance: per-table tolerance above 100', () =>
    expectRejected({ tables: [{ table: 'orders', itemCountTolerancePercent: 150 }] }, 'tables[0].itemCountTolerancePercent'));
  test('Noncompliance: same table twice', () => expectRejected({ tables: ['orders', 'orders'] }, 'tables', /listed twice/));
  test('Noncompliance: a custom check no module registers', () =>
    expectRejected(
      { tables: [{ table: 'orders', customChecks: ['rooms-are-square'] }] },
      'tables[0].customChecks',
      /no custom check is registered as "rooms-are-square".*polygon-closes/,
    ));
});

describe('notificationEmail', () => {
  test('Compliance: an address', () =>
    expect(resolveSettings({ notificationEmail: 'oncall@example.com' }).notificationEmail).toBe('oncall@example.com'));
  test('Noncompliance: not an address', () => expectRejected({ notificationEmail: 'oncall-at-example.com' }, 'notificationEmail'));
  test('Noncompliance: address with a space', () => expectRejected({ notificationEmail: 'on call@example.com' }, 'notificationEmail'));
});

describe('schedules', () => {
  test('Compliance: cron and rate drill schedules', () => {
    expect(resolveSettings({ drillSchedule: 'cron(15 7 ? * MON-FRI *)' }).drillSchedule).toBe('cron(15 7 ? * MON-FRI *)');
    // A rate schedule can run at any time: it needs the longest backup gap plus both windows (27 h).
    expect(resolveSettings({ drillSchedule: 'rate(1 day)', rpoTargetHours: 27 }).drillSchedule).toBe('rate(1 day)');
    expect(resolveSettings({ drillSchedule: 'rate(12 hours)', rpoTargetHours: 27 }).drillSchedule).toBe('rate(12 hours)');
  });
  test('Noncompliance: drillSchedule cron with five fields', () => expectRejected({ drillSchedule: 'cron(0 6 * * *)' }, 'drillSchedule'));
  test('Noncompliance: drillSchedule cron without "?" in a day field', () =>
    expectRejected({ drillSchedule: 'cron(0 6 * * * *)' }, 'drillSchedule'));
  test('Noncompliance: drillSchedule free text', () => expectRejected({ drillSchedule: 'every day at 6' }, 'drillSchedule'));
  test('Noncompliance: drillSchedule rate with wrong plural', () => expectRejected({ drillSchedule: 'rate(1 days)' }, 'drillSchedule'));
  test('Noncompliance: backupSchedule as rate (AWS Backup takes cron only)', () =>
    expectRejected({ backupSchedule: 'rate(1 day)' }, 'backupSchedule'));
  test('Noncompliance: backupSchedule malformed cron', () => expectRejected({ backupSchedule: 'cron(0 3 * *)' }, 'backupSchedule'));
  test('Compliance: the longest gap between drills is resolved for the alarm', () => {
    expect(resolveSettings({}).drillScheduleLongestGapHours).toBe(24);
    expect(resolveSettings({ drillSchedule: 'cron(15 7 ? * MON-FRI *)' }).drillScheduleLongestGapHours).toBe(72);
    expect(resolveSettings({ drillSchedule: 'rate(12 hours)', rpoTargetHours: 27 }).drillScheduleLongestGapHours).toBe(12);
  });
  test('Noncompliance: drillSchedule weekly (longer than the alarm can watch)', () =>
    expectRejected({ drillSchedule: 'cron(0 6 ? * SUN *)' }, 'drillSchedule', /168 h between drills/));
  test('Noncompliance: drillSchedule monthly', () =>
    expectRejected({ drillSchedule: 'cron(0 6 1 * ? *)' }, 'drillSchedule', /between drills/));
  test('Noncompliance: drillSchedule limited to one year (the drill would stop)', () =>
    expectRejected({ drillSchedule: 'cron(0 6 * * ? 2030)' }, 'drillSchedule', /year field "2030" ends the schedule/));
  test('Noncompliance: drillSchedule rate(7 days)', () => expectRejected({ drillSchedule: 'rate(7 days)' }, 'drillSchedule', /168 h/));
  test('Compliance: drillSchedule every 6 days', () =>
    expect(resolveSettings({ drillSchedule: 'rate(6 days)', rpoTargetHours: 27 }).drillScheduleLongestGapHours).toBe(144));
  test('Noncompliance: backupSchedule on weekdays only with the default 26 h RPO', () =>
    expectRejected({ backupSchedule: 'cron(0 3 ? * MON-FRI *)' }, 'backupSchedule', /72 h between backups, more than rpoTargetHours=26/));
  test('Compliance: backupSchedule on weekdays with an RPO that allows the weekend', () =>
    expect(resolveSettings({ backupSchedule: 'cron(0 3 ? * MON-FRI *)', rpoTargetHours: 74 }).backupSchedule).toBe(
      'cron(0 3 ? * MON-FRI *)',
    ));
});

describe('schedules run at most hourly', () => {
  test.each([
    ['cron(0/30 * * * ? *)', 30],
    ['cron(0,30 6 * * ? *)', 30],
    ['rate(30 minutes)', 30],
    ['rate(1 minute)', 1],
  ])('Noncompliance: drillSchedule %s (every %i minutes)', (drillSchedule, minutes) =>
    expectRejected({ drillSchedule }, 'drillSchedule', new RegExp(`as often as every ${minutes} minutes.*at least 60 minutes apart`)),
  );
  test('Compliance: an hourly drill', () =>
    expect(resolveSettings({ drillSchedule: 'cron(0 * * * ? *)' }).drillSchedule).toBe('cron(0 * * * ? *)'));
  test('Noncompliance: backupSchedule every 20 minutes (AWS Backup refuses it)', () =>
    expectRejected({ backupSchedule: 'cron(0/20 * * * ? *)' }, 'backupSchedule', /every 20 minutes \(AWS Backup refuses/));
});

describe('backup windows: a drill never runs before the backup it expects has finished', () => {
  test('Compliance: the defaults (backup 03:00, windows 60 + 120 min, drill 06:00, RPO 26 h)', () => {
    expect(resolveSettings()).toMatchObject({
      backupSchedule: 'cron(0 3 * * ? *)',
      backupStartWindowMinutes: 60,
      backupCompletionWindowMinutes: 120,
      drillSchedule: 'cron(0 6 * * ? *)',
      rpoTargetHours: 26,
    });
  });

  test("Noncompliance: AWS Backup's own 8-hour start window makes the 06:00 drill restore yesterday's backup (27 h)", () =>
    expectRejected(
      { backupStartWindowMinutes: 480, backupCompletionWindowMinutes: 540 },
      'drillSchedule',
      /"cron\(0 6 \* \* \? \*\)" can run before the backup it expects.*backupStartWindowMinutes=480.*backupCompletionWindowMinutes=540.*27 h old, over rpoTargetHours=26.*rpoTargetHours >= 27/,
    ));

  test('Noncompliance: a drill before the windows close, with an RPO that does not cover the day before', () =>
    expectRejected(
      { drillSchedule: 'cron(0 5 * * ? *)', rpoTargetHours: 25 },
      'drillSchedule',
      /drill of .* 05:00 UTC runs before the backup of .* 03:00 UTC is sure to have finished \(.* 06:00 UTC\).*26 h old/,
    ));

  test('Compliance: the same drill when the RPO covers the day before (26 h)', () =>
    expect(resolveSettings({ drillSchedule: 'cron(0 5 * * ? *)' }).drillSchedule).toBe('cron(0 5 * * ? *)'));

  test('Noncompliance: a daily rate schedule can run just before the windows close', () =>
    expectRejected({ drillSchedule: 'rate(1 day)' }, 'drillSchedule', /rate schedule runs at any time of day.*27 h old/));

  test('Compliance: longer windows with a later drill', () =>
    expect(resolveSettings({ backupCompletionWindowMinutes: 300, drillSchedule: 'cron(0 9 * * ? *)' }).backupCompletionWindowMinutes).toBe(
      300,
    ));

  test("Noncompliance: start window under AWS Backup's 60 minutes", () =>
    expectRejected({ backupStartWindowMinutes: 30 }, 'backupStartWindowMinutes', /out of range.*from 60/));

  test('Noncompliance: completion window not 60 minutes longer than the start window', () =>
    expectRejected(
      { backupStartWindowMinutes: 120, backupCompletionWindowMinutes: 150 },
      'backupCompletionWindowMinutes',
      /less than backupStartWindowMinutes=120 plus 60.*at least 180/,
    ));

  test('Compliance: windows from -c strings', () =>
    expect(
      resolveSettings(
        settingsFromContext(
          context({ backupStartWindowMinutes: '90', backupCompletionWindowMinutes: '150', drillSchedule: 'cron(0 7 * * ? *)' }),
        ),
      ),
    ).toMatchObject({ backupStartWindowMinutes: 90, backupCompletionWindowMinutes: 150 }));
});

describe('retention', () => {
  test('Noncompliance: retention shorter than the RPO window', () =>
    expectRejected({ backupRetentionDays: 1, rpoTargetHours: 26 }, 'backupRetentionDays', /shorter than the RPO window/));
  test('Compliance: retention exactly the RPO window', () =>
    expect(resolveSettings({ backupRetentionDays: 2, rpoTargetHours: 48 }).backupRetentionDays).toBe(2));
  test('Noncompliance: retention zero', () => expectRejected({ backupRetentionDays: 0 }, 'backupRetentionDays'));
  test('Noncompliance: cold storage without 90 days before deletion', () =>
    expectRejected({ backupRetentionDays: 35, coldStorageAfterDays: 7 }, 'coldStorageAfterDays', /\+ 90/));
  test('Compliance: cold storage with 90 days before deletion', () =>
    expect(resolveSettings({ backupRetentionDays: 120, coldStorageAfterDays: 30 }).coldStorageAfterDays).toBe(30));
});

describe('restoreTablePrefix', () => {
  test('Noncompliance: prefix matches a drilled table', () =>
    expectRejected({ tables: ['orders', 'drill-copy-orders'] }, 'restoreTablePrefix', /drill-copy-orders/));
  test('Noncompliance: prefix matches a drilled table given by ARN', () =>
    expectRejected({ restoreTablePrefix: 'scan', tables: ['arn:aws:dynamodb:eu-west-1:123456789012:table/scans'] }, 'restoreTablePrefix'));
  test('Noncompliance: prefix matches a drilled table in another case', () =>
    expectRejected({ restoreTablePrefix: 'Orders-', tables: ['orders-eu'] }, 'restoreTablePrefix'));
  test('Noncompliance: prefix matches the fixture table', () =>
    expectRejected({ fixtureTableName: 'drill-copy-fixture' }, 'restoreTablePrefix', /fixture/));
  test('Noncompliance: prefix too short', () => expectRejected({ restoreTablePrefix: 'rd' }, 'restoreTablePrefix', /too short/));
  test('Noncompliance: prefix with invalid characters', () => expectRejected({ restoreTablePrefix: 'drill copy ' }, 'restoreTablePrefix'));
  test('Noncompliance: empty prefix', () => expectRejected({ restoreTablePrefix: '' }, 'restoreTablePrefix'));
});

describe('thresholds', () => {
  test.each([
    ['itemCountTolerancePercent', -1],
    ['itemCountTolerancePercent', 100.5],
    ['sampleSize', -1],
    ['sampleSize', 10_001],
    ['sampleSize', 2.5],
    ['scanSegments', 0],
    ['scanSegments', 65],
    ['rpoTargetHours', 0],
    ['rpoTargetHours', 721],
    ['rtoTargetMinutes', 0],
    ['rtoTargetMinutes', 1441],
    ['sourceReadBudgetUnits', 0],
    ['sourceReadBudgetUnits', 1_000_000_001],
    ['sourceReadBudgetUnits', 1.5],
    ['sourceReadUnitsPerSecond', 0],
    ['sourceReadUnitsPerSecond', 40_001],
    ['fixturePropertyCount', 0],
    ['fixturePropertyCount', 2001],
  ] as const)('Noncompliance: %s = %d', (setting, value) => {
    expectRejected({ [setting]: value, ...(setting === 'rpoTargetHours' && { backupRetentionDays: 35 }) }, setting, /out of range/);
  });

  test('Noncompliance: NaN', () => expectRejected({ sampleSize: Number.NaN }, 'sampleSize'));

  test('Compliance: the bounds themselves', () => {
    expect(() =>
      resolveSettings({
        itemCountTolerancePercent: 0,
        sampleSize: 10_000,
        scanSegments: 64,
        rpoTargetHours: 720,
        backupRetentionDays: 30,
        rtoTargetMinutes: 1440,
      }),
    ).not.toThrow();
    // The smallest RPO a backup can meet is its two windows (at least 60 + 120 minutes): 3 h.
    expect(() =>
      resolveSettings({
        itemCountTolerancePercent: 100,
        sampleSize: 0,
        scanSegments: 1,
        rpoTargetHours: 3,
        backupSchedule: 'cron(0 * * * ? *)',
        rtoTargetMinutes: 1,
      }),
    ).not.toThrow();
  });

  test('Noncompliance: rpoTargetHours=1 is in range, but no backup can finish within an hour of its schedule', () =>
    expectRejected(
      { rpoTargetHours: 1, backupSchedule: 'cron(0 * * * ? *)' },
      'drillSchedule',
      /3 h old, over rpoTargetHours=1.*rpoTargetHours >= 3/,
    ));
});

describe('other settings', () => {
  test('Noncompliance: vault name with invalid characters', () => expectRejected({ vaultNames: ['my vault'] }, 'vaultNames'));
  test('Compliance: vaultKeyArns, key ARNs of the other vaults', () =>
    expect(
      resolveSettings({ vaultKeyArns: ['arn:aws:kms:eu-west-1:123456789012:key/0000aaaa-11bb-22cc-33dd-444444eeeeee'] }).vaultKeyArns,
    ).toHaveLength(1));
  test('Noncompliance: vaultKeyArns entry is an alias', () =>
    expectRejected({ vaultKeyArns: ['arn:aws:kms:eu-west-1:123456789012:alias/old-vault'] }, 'vaultKeyArns', /not a KMS key ARN/));
  test('Noncompliance: restoreKmsKeyArn is an alias', () =>
    expectRejected({ restoreKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:alias/drill' }, 'restoreKmsKeyArn'));
  test('Noncompliance: vault admin is not an ARN', () =>
    expectRejected({ vaultAdminPrincipalArns: ['BackupAdmin'] }, 'vaultAdminPrincipalArns'));
  test('Noncompliance: vault admin in any account ("*")', () =>
    expectRejected(
      { vaultAdminPrincipalArns: ['arn:aws:iam::*:role/BackupAdmin'] },
      'vaultAdminPrincipalArns',
      /names any account \("\*"\).*12-digit account/,
    ));
  test('Compliance: vault admins with a wildcard in the name', () =>
    expect(
      resolveSettings({ vaultAdminPrincipalArns: ['arn:aws:iam::123456789012:role/BackupAdmin*'] }).vaultAdminPrincipalArns,
    ).toHaveLength(1));
  test('Noncompliance: fixtureTableName invalid', () => expectRejected({ fixtureTableName: 'x' }, 'fixtureTableName'));
});

describe('settingsFromContext', () => {
  test('Compliance: -c strings become numbers, booleans and lists', () => {
    const settings = resolveSettings(
      settingsFromContext(
        context({
          tables: 'orders, arn:aws:dynamodb:eu-west-1:123456789012:table/scans',
          vaultNames: 'legacy-vault,other-vault',
          notifyFailuresOnly: 'true',
          drillAfterBackup: 'false',
          backupRetentionDays: '120',
          coldStorageAfterDays: '30',
          sampleSize: '10',
          notificationEmail: 'oncall@example.com',
        }),
      ),
    );
    expect(settings.tables.map((table) => table.tableName)).toEqual(['orders', 'scans']);
    expect(settings.vaultNames).toEqual(['legacy-vault', 'other-vault']);
    expect(settings.notifyFailuresOnly).toBe(true);
    expect(settings.drillAfterBackup).toBe(false);
    expect(settings.backupRetentionDays).toBe(120);
    expect(settings.coldStorageAfterDays).toBe(30);
    expect(settings.sampleSize).toBe(10);
  });

  test('Compliance: tables as a JSON array string with objects', () => {
    const settings = settingsFromContext(context({ tables: '[{"table":"orders","canary":true},"scans"]' }));
    expect(settings.tables).toEqual([{ table: 'orders', canary: true }, 'scans']);
  });

  test('Compliance: cdk.json values keep their JSON types', () => {
    const settings = settingsFromContext(context({ tables: [{ table: 'orders' }], rpoTargetHours: 30, notifyFailuresOnly: true }));
    expect(settings).toMatchObject({ tables: [{ table: 'orders' }], rpoTargetHours: 30, notifyFailuresOnly: true });
  });

  test('Noncompliance: tables is invalid JSON', () =>
    expect(() => settingsFromContext(context({ tables: '[{"table": orders}]' }))).toThrow(/"tables".*not a valid JSON array/));
  test('Noncompliance: number that is not a number', () =>
    expect(() => settingsFromContext(context({ sampleSize: '12abc' }))).toThrow(/"sampleSize".*expected a number/));
  test('Noncompliance: boolean that is not a boolean', () =>
    expect(() => settingsFromContext(context({ notifyFailuresOnly: 'yes' }))).toThrow(/"notifyFailuresOnly".*true or false/));
  test('Noncompliance: invalid value is checked at read time', () =>
    expect(() => settingsFromContext(context({ notificationEmail: 'nobody' }))).toThrow(/"notificationEmail"/));
});

describe('context keys', () => {
  /** The keys a real `cdk synth` passes this app (printed from CDK_CONTEXT_JSON with CLI 2.1148.1). */
  const CLI_KEYS = [
    'cli-telemetry',
    'aws:cdk:enable-path-metadata',
    'aws:cdk:enable-asset-metadata',
    'aws:cdk:version-reporting',
    'aws:cdk:bundling-stacks',
    '@aws-cdk/core:failSynthOnValidationErrors',
  ];

  function rejectedKey(keys: string[]): SettingsError {
    let caught: unknown;
    try {
      settingsFromContext(context({}), keys);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SettingsError);
    return caught as SettingsError;
  }

  test('Noncompliance: a misspelled setting names the nearest one', () => {
    const error = rejectedKey([...CLI_KEYS, 'rpoTargetHour']);
    expect(error.setting).toBe('rpoTargetHour');
    expect(error.message).toMatch(/"rpoTargetHour": is not a setting \(did you mean "rpoTargetHours"\?\)/);
    expect(error.message.split('\n')).toHaveLength(1);
  });

  test.each([
    ['notificationMail', 'notificationEmail'],
    ['restoreTablePrefx', 'restoreTablePrefix'],
    ['table', 'tables'],
    ['RPOTargetHours', 'rpoTargetHours'],
  ])('Noncompliance: %s -> did you mean %s', (key, nearest) => {
    expect(rejectedKey([key]).message).toContain(`did you mean "${nearest}"`);
  });

  test('Noncompliance: a setting in kebab-case', () =>
    expect(rejectedKey(['rpo-target-hours']).message).toMatch(
      /"rpo-target-hours": is written in kebab-case; the setting is "rpoTargetHours"/,
    ));

  test('Compliance: the keys of CDK and its CLI are left alone', () => {
    const keys = [
      ...CLI_KEYS,
      'acknowledged-issue-numbers',
      'assets-ecr-repository-name',
      'aws-cdk:enableDiffNoFail',
      '@aws-cdk/core.TreeMetadata:maxNodes',
      'availability-zones:account=123456789012:region=eu-west-1',
      'rpoTargetHours',
      'tables',
    ];
    expect(() => settingsFromContext(context({ rpoTargetHours: '30' }), keys)).not.toThrow();
  });

  test('Noncompliance: the app refuses a misspelled -c key with one line and exit code 1', () => {
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const path = require('node:path') as typeof import('node:path');
    const root = path.join(__dirname, '..', '..');
    const contextJson = JSON.stringify({ ...Object.fromEntries(CLI_KEYS.map((key) => [key, true])), rpoTargetHour: '30' });
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bin', 'restore-drill.ts')], {
      cwd: root,
      env: { ...process.env, CDK_CONTEXT_JSON: contextJson, CDK_OUTDIR: require('node:os').tmpdir() },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^Invalid restore-drill setting "rpoTargetHour": .*did you mean "rpoTargetHours"/),
    ]);
  }, 60_000);
});

describe('checks that need the stack', () => {
  test('Noncompliance: the fixture table listed among the drilled tables (by name)', () =>
    expect(() => buildStack({ settings: { tables: ['orders', 'RestoreDrill-fixture'] } })).toThrow(
      /"tables": "RestoreDrill-fixture" is the fixture table "RestoreDrill-fixture".*Accepted: tables other than the fixture table/,
    ));

  test('Noncompliance: the fixture table listed among the drilled tables (by ARN, custom fixture name)', () =>
    expect(() =>
      buildStack({
        env: TEST_ENV,
        settings: { fixtureTableName: 'props-fixture', tables: [{ table: 'arn:aws:dynamodb:eu-west-1:123456789012:table/props-fixture' }] },
      }),
    ).toThrow(/"tables": "arn:aws:dynamodb:eu-west-1:123456789012:table\/props-fixture" is the fixture table/));

  test('Noncompliance: table ARNs of two Regions (one stack drills one account and Region)', () =>
    expect(() =>
      buildStack({
        settings: {
          tables: ['arn:aws:dynamodb:eu-west-1:123456789012:table/orders', 'arn:aws:dynamodb:us-east-1:123456789012:table/scans'],
        },
      }),
    ).toThrow(/"tables": table ARNs name 2 accounts\/Regions/));

  test('Noncompliance: table ARN in another account than the stack', () =>
    expect(() => buildStack({ env: TEST_ENV, settings: { tables: ['arn:aws:dynamodb:eu-west-1:210987654321:table/orders'] } })).toThrow(
      /"tables".*account and Region/,
    ));

  test('Noncompliance: prefix matches the default fixture table name (from the stack name)', () =>
    expect(() => buildStack({ stackName: 'drill-copy-test' })).toThrow(/"restoreTablePrefix".*fixture table "drill-copy-test-fixture"/));

  test('Noncompliance: prefix could match tables CloudFormation names after the stack', () =>
    expect(() =>
      buildStack({ stackName: 'Drills', settings: { restoreTablePrefix: 'drills-copy-', fixtureTableName: 'fixture-table' } }),
    ).toThrow(/"restoreTablePrefix".*named after the stack "Drills"/));

  test('Noncompliance: table ARN in another Region than the stack', () =>
    expect(() => buildStack({ env: TEST_ENV, settings: { tables: ['arn:aws:dynamodb:us-east-1:123456789012:table/orders'] } })).toThrow(
      /"tables".*account and Region/,
    ));

  test('Noncompliance: too many tables for the Lambda environment', () => {
    // A table without options costs its name in DRILL_TABLES (its ARN prefix is given once): 120 long names overflow.
    const tables = Array.from({ length: 120 }, (_, index) => `property-renderings-spatial-table-number-${index}`);
    expect(() => buildStack({ settings: { tables } })).toThrow(/"tables".*4 KB/);
  });

  test('Noncompliance: two drills in one stack with the same fixture table name', async () => {
    const { App, Stack } = await import('aws-cdk-lib');
    const { RestoreDrill } = await import('../../lib/restore-drill');
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Host');
    new RestoreDrill(stack, 'Orders', { tables: ['orders'] });
    expect(() => new RestoreDrill(stack, 'Scans', { tables: ['scans'] })).toThrow(/"fixtureTableName".*Host\/Orders/);
    expect(() => new RestoreDrill(stack, 'Rooms', { tables: ['rooms'], fixtureTableName: 'Host-rooms-fixture' })).not.toThrow();
  });

  test('Noncompliance: reserved concurrency out of range', async () => {
    const { App, Stack } = await import('aws-cdk-lib');
    const { RestoreDrill } = await import('../../lib/restore-drill');
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Host');
    expect(() => new RestoreDrill(stack, 'Drill', { reservedConcurrency: 0 })).toThrow(/"reservedConcurrency"/);
  });
});
