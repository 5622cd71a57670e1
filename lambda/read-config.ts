// Namespace import: lets esbuild leave out the parts of zod the drill does not use.
import * as z from 'zod';
import {
  DEFAULT_WAIT_TUNING,
  type DrillConfig,
  ENV,
  type FanOutConfig,
  type FanOutTuning,
  LAMBDA_LOG_GROUP_ENV,
  LATEST_RECOVERY_POINT,
} from './config';
import { type Setting, SettingsError, TABLE_ARN, TABLE_NAME } from './settings/setting';
import { SETTINGS } from './settings/spec';
import { TABLE_OPTIONS, parseTableReference } from './settings/tables';
import { DRILL_TARGET_SETTINGS, type DrillTargetName, drillTargetSetting } from './settings/targets';

/**
 * Reads and validates the engine's environment (see config.ts). A deployment with a missing or
 * malformed variable fails on the first invocation with a message naming the variable, instead
 * of drilling with a half-read configuration. DRILL_TABLES and DRILL_TARGETS are checked with the
 * settings spec (lambda/settings), as the synth checked the settings they come from.
 */

/**
 * A value the setting's own check accepts: the same check the synth ran (lambda/settings), so the
 * engine accepts exactly what the construct can write.
 */
function checkedBy<T>(name: string, setting: Setting<unknown, T>): z.ZodType<T> {
  return z.unknown().transform((value, context) => {
    try {
      return setting.check(value, name);
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      context.addIssue({ code: 'custom', message: `${error.problem} (accepted: ${error.accepted})` });
      return z.NEVER;
    }
  });
}

type TableOptionSchemas = { [K in keyof typeof TABLE_OPTIONS]: z.ZodOptional<z.ZodType<ReturnType<(typeof TABLE_OPTIONS)[K]['check']>>> };
const tableOptionSchemas = Object.fromEntries(
  Object.entries(TABLE_OPTIONS).map(([name, setting]) => [name, checkedBy(name, setting as Setting<unknown>).optional()]),
) as TableOptionSchemas;

const drilledTableFields = z.object({
  tableName: z.string().regex(TABLE_NAME, 'a DynamoDB table name'),
  tableArn: z.string().regex(TABLE_ARN, 'a DynamoDB table ARN'),
  ...tableOptionSchemas,
  fixture: z.object({ propertyCount: checkedBy('propertyCount', SETTINGS.fixturePropertyCount), digest: z.string().min(1) }).optional(),
});

/**
 * An entry may give only its ARN (`{"tableArn": ...}`): the console template adds the tables a
 * console user lists as such entries, since CloudFormation cannot cut a name out of an ARN. The
 * name is then the ARN's.
 */
/**
 * An entry may also be a bare table name, a table of the stack's account and Region with no
 * option: its ARN is DRILL_TABLE_ARN_PREFIX and the name. The construct writes such tables so,
 * about 15 bytes each instead of 100, so that hundreds fit in Lambda's 4 KB of environment.
 */
const drilledTableSchema = (arnPrefix: string | undefined) =>
  z.preprocess((entry) => {
    if (typeof entry === 'string') return arnPrefix === undefined ? entry : { tableName: entry, tableArn: `${arnPrefix}${entry}` };
    if (typeof entry !== 'object' || entry === null || 'tableName' in entry || !('tableArn' in entry)) return entry;
    const tableArn = (entry as { tableArn: unknown }).tableArn;
    return typeof tableArn === 'string' ? { ...entry, tableName: parseTableReference(tableArn).tableName } : entry;
  }, drilledTableFields);

type TargetSchemas = { [K in DrillTargetName]: z.ZodType<number> };
const targetsSchema = z.object(
  Object.fromEntries(
    (Object.keys(DRILL_TARGET_SETTINGS) as DrillTargetName[]).map((target) => [target, checkedBy(target, drillTargetSetting(target))]),
  ) as TargetSchemas,
);

const waitTuningSchema = z.object({
  minPollSeconds: z.number().positive(),
  maxPollSeconds: z.number().positive(),
  invocationReserveSeconds: z.number().min(0),
  tablePollSeconds: z.number().positive(),
});

const selectionSchema = z.object({
  policy: z.enum(['latest', 'random']),
  windowDays: z.number().int().min(0).max(365),
});

const restoreTestingSchema = z.object({
  ownPlan: z
    .object({
      arn: z.string().startsWith('arn:'),
      validationWindowHours: checkedBy('validationWindowHours', SETTINGS.validationWindowHours),
      selection: selectionSchema,
    })
    .optional(),
  adoptedPlans: z.array(
    z.string().regex(/^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:restore-testing-plan:/, 'a restore testing plan ARN or ARN prefix'),
  ),
});

const fanOutTuningSchema = z.object({
  maxWorkers: checkedBy('fanOutMaxWorkers', SETTINGS.fanOutMaxWorkers),
  segmentsPerWorker: checkedBy('fanOutSegmentsPerWorker', SETTINGS.fanOutSegmentsPerWorker),
  timeoutHours: checkedBy('fanOutTimeoutHours', SETTINGS.fanOutTimeoutHours),
  itemsPerSecond: checkedBy('scanItemsPerSecond', SETTINGS.scanItemsPerSecond),
});

/** The settings' defaults, when the construct sets the state machine but no tuning. */
const DEFAULT_FAN_OUT_TUNING: FanOutTuning = {
  maxWorkers: SETTINGS.fanOutMaxWorkers.default,
  segmentsPerWorker: SETTINGS.fanOutSegmentsPerWorker.default,
  timeoutHours: SETTINGS.fanOutTimeoutHours.default,
  itemsPerSecond: SETTINGS.scanItemsPerSecond.default,
};

function fanOut(env: NodeJS.ProcessEnv): FanOutConfig | undefined {
  const stateMachineArn = env[ENV.fanOutStateMachineArn];
  if (!stateMachineArn) return undefined;
  if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/.test(stateMachineArn)) {
    throw new ConfigError(`environment variable ${ENV.fanOutStateMachineArn} is not a state machine ARN: ${stateMachineArn}`);
  }
  const tuning = env[ENV.fanOutTuning] ? json(env, ENV.fanOutTuning, fanOutTuningSchema) : DEFAULT_FAN_OUT_TUNING;
  return { stateMachineArn, ...tuning };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`environment variable ${name} is not set; redeploy the stack`);
  return value;
}

function json<T>(env: NodeJS.ProcessEnv, name: string, schema: z.ZodType<T>): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(required(env, name));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`environment variable ${name} is not valid JSON`);
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`environment variable ${name}: ${issue.path.join('.') || '(root)'} ${issue.message}`);
  }
  return result.data;
}

/** An optional number variable, checked by its setting's own check. */
function numberVariable(env: NodeJS.ProcessEnv, setting: 'keepFailedCopyHours' | 'maxConcurrentRestores'): number | undefined {
  const text = env[ENV[setting]];
  if (!text) return undefined;
  try {
    return SETTINGS[setting].check(Number(text), setting);
  } catch (error) {
    throw new ConfigError(`environment variable ${ENV[setting]}: ${(error as Error).message}`);
  }
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): DrillConfig {
  const tables = json(env, ENV.tables, z.array(drilledTableSchema(env[ENV.tableArnPrefix] || undefined)));
  const vaultNames = required(env, ENV.vaultNames)
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const restoreTablePrefix = required(env, ENV.restoreTablePrefix);
  // Defence in depth: the construct refuses such a prefix at synth; the engine refuses it too.
  const shadowed = tables.find((table) => table.tableName.startsWith(restoreTablePrefix));
  if (shadowed) {
    throw new ConfigError(`${ENV.restoreTablePrefix} "${restoreTablePrefix}" matches source table ${shadowed.tableName}; refusing to run`);
  }
  return {
    tables,
    vaultNames,
    restoreRoleArn: required(env, ENV.restoreRoleArn),
    restoreTablePrefix,
    restoreKmsKeyArn: env[ENV.restoreKmsKeyArn] || undefined,
    topicArn: required(env, ENV.topicArn),
    failureTopicArn: env[ENV.failureTopicArn] || undefined,
    historyTableName: required(env, ENV.historyTableName),
    targets: json(env, ENV.targets, targetsSchema),
    wait: env[ENV.waitTuning] ? json(env, ENV.waitTuning, waitTuningSchema) : DEFAULT_WAIT_TUNING,
    recoveryPointSelection: env[ENV.recoveryPointSelection]
      ? json(env, ENV.recoveryPointSelection, selectionSchema)
      : LATEST_RECOVERY_POINT,
    restoreTesting: env[ENV.restoreTesting] ? json(env, ENV.restoreTesting, restoreTestingSchema) : undefined,
    keepFailedCopyHours: numberVariable(env, 'keepFailedCopyHours'),
    maxConcurrentRestores: numberVariable(env, 'maxConcurrentRestores'),
    logGroupName: env[LAMBDA_LOG_GROUP_ENV] || undefined,
    fanOut: fanOut(env),
  };
}
