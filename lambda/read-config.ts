// Namespace import: lets esbuild leave out the parts of zod the drill does not use.
import * as z from 'zod';
import { DEFAULT_WAIT_TUNING, ENV, type DrillConfig } from './config';

/**
 * Reads and validates the engine's environment (see config.ts). A deployment with a missing or
 * malformed variable fails on the first invocation with a message naming the variable, instead
 * of drilling with a half-read configuration.
 */

const drilledTableSchema = z.object({
  tableName: z.string().min(3).max(255),
  tableArn: z.string().regex(/^arn:aws[\w-]*:dynamodb:[\w-]+:\d{12}:table\/[\w.-]+$/, 'a DynamoDB table ARN'),
  createdAtAttribute: z.string().min(1).optional(),
  updatedAtAttribute: z.string().min(1).optional(),
  canary: z.boolean().optional(),
  itemCountTolerancePercent: z.number().min(0).max(100).optional(),
  customChecks: z.array(z.string().min(1)).optional(),
  kmsKeyArn: z
    .string()
    .regex(/^arn:aws[\w-]*:kms:[\w-]+:\d{12}:key\/[\w-]+$/, 'a KMS key ARN')
    .optional(),
  fixture: z.object({ propertyCount: z.number().int().positive(), digest: z.string().min(1) }).optional(),
});

const targetsSchema = z.object({
  rpoTargetMinutes: z.number().positive(),
  rtoTargetMinutes: z.number().positive(),
  itemCountTolerancePercent: z.number().min(0).max(100),
  sampleSize: z.number().int().min(0),
  scanSegments: z.number().int().min(1).max(64),
  sourceReadBudgetUnits: z.number().min(0),
  sourceReadUnitsPerSecond: z.number().positive(),
});

const waitTuningSchema = z.object({
  minPollSeconds: z.number().positive(),
  maxPollSeconds: z.number().positive(),
  invocationReserveSeconds: z.number().min(0),
  tablePollSeconds: z.number().positive(),
});

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

export function readConfig(env: NodeJS.ProcessEnv = process.env): DrillConfig {
  const tables = json(env, ENV.tables, z.array(drilledTableSchema));
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
  };
}
