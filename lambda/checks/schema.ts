import type { IndexShape, TableSettings, TableShape } from '../ports/dynamodb-port';
import { type CheckDefinition, resultOnly } from './check';

/**
 * The restored copy has the source's keys, attribute definitions and secondary indexes (keys and
 * projections). Also lists what a restore never carries over, so a real recovery re-applies it.
 */

const keys = (index: { keySchema: IndexShape['keySchema'] }) => index.keySchema.map((k) => `${k.AttributeName}:${k.KeyType}`).join(',');

const projection = (index: IndexShape) =>
  `${index.projection?.ProjectionType ?? 'ALL'}${
    index.projection?.NonKeyAttributes?.length ? `(${[...index.projection.NonKeyAttributes].sort().join(',')})` : ''
  }`;

function compareIndexes(kind: 'GSI' | 'LSI', source: readonly IndexShape[], restored: readonly IndexShape[]): string[] {
  const differences: string[] = [];
  const restoredByName = new Map(restored.map((index) => [index.name, index]));
  for (const index of source) {
    const copy = restoredByName.get(index.name);
    if (!copy) {
      differences.push(`missing ${kind} ${index.name}`);
      continue;
    }
    if (keys(copy) !== keys(index)) differences.push(`${kind} ${index.name} keys ${keys(copy)} instead of ${keys(index)}`);
    if (projection(copy) !== projection(index)) {
      differences.push(`${kind} ${index.name} projects ${projection(copy)} instead of ${projection(index)}`);
    }
    restoredByName.delete(index.name);
  }
  for (const name of restoredByName.keys()) differences.push(`unexpected ${kind} ${name}`);
  return differences;
}

export function schemaDifferences(source: TableShape, restored: TableShape): string[] {
  const differences: string[] = [];
  if (keys(restored) !== keys(source)) differences.push(`key schema ${keys(restored)} instead of ${keys(source)}`);
  const definitions = (table: TableShape) => new Set(table.attributeDefinitions.map((a) => `${a.name}:${a.type}`));
  const sourceDefinitions = definitions(source);
  const restoredDefinitions = definitions(restored);
  for (const definition of sourceDefinitions) {
    if (!restoredDefinitions.has(definition)) differences.push(`attribute definition ${definition} missing`);
  }
  for (const definition of restoredDefinitions) {
    if (!sourceDefinitions.has(definition)) differences.push(`unexpected attribute definition ${definition}`);
  }
  differences.push(...compareIndexes('GSI', source.globalSecondaryIndexes, restored.globalSecondaryIndexes));
  differences.push(...compareIndexes('LSI', source.localSecondaryIndexes, restored.localSecondaryIndexes));
  return differences;
}

/** Source settings a restore does not bring back (AWS Backup / DynamoDB restore documentation). */
export function settingsNotCarried(source: TableShape, settings: TableSettings | undefined): string[] {
  const found: string[] = [];
  if (settings?.ttlAttribute) found.push(`TTL (${settings.ttlAttribute})`);
  if (settings?.pointInTimeRecovery) found.push('point-in-time recovery');
  if (source.streamEnabled) found.push('stream');
  if (settings && settings.tagCount > 0) found.push(`${settings.tagCount} tag${settings.tagCount === 1 ? '' : 's'}`);
  if (source.deletionProtection) found.push('deletion protection');
  // Never carried and not readable through DynamoDB alone: always worth a reminder.
  found.push('auto scaling, resource policy, alarms, contributor insights');
  if (settings?.unread.length) found.push(`unread: ${settings.unread.join(', ')}`);
  return found;
}

export const schemaCheck: CheckDefinition = {
  name: 'schema',
  needs: 'restored-table',
  begin: (context) =>
    resultOnly(() => {
      const { source, restored } = context;
      if (!restored) throw new Error('schema check needs the restored table');
      if (!source) {
        return {
          check: 'schema',
          status: 'WARN',
          summary: `source table ${context.table.tableName} not found; the restored schema was not compared`,
          nextStep: 'if the source was deleted on purpose, remove it from the drill settings',
        };
      }
      const differences = schemaDifferences(source, restored);
      const notCarried = settingsNotCarried(source, context.sourceSettings);
      const numbers = {
        attributeDefinitions: source.attributeDefinitions.length,
        globalSecondaryIndexes: source.globalSecondaryIndexes.length,
        localSecondaryIndexes: source.localSecondaryIndexes.length,
        notCarriedByRestore: notCarried.join('; '),
      };
      if (differences.length > 0) {
        return {
          check: 'schema',
          status: 'FAIL',
          summary: differences.join('; '),
          nextStep:
            'a recovery from this backup would not match the source schema: compare the table definitions and re-create the missing parts after restoring',
          numbers,
        };
      }
      return {
        check: 'schema',
        status: 'PASS',
        summary: `keys, ${numbers.attributeDefinitions} attribute definitions, ${numbers.globalSecondaryIndexes} GSI, ${numbers.localSecondaryIndexes} LSI match; a restore does not carry: ${notCarried.join(', ')}`,
        numbers,
      };
    }),
};
