import type { DrillConfig } from '../config';
import type { RestoreJob } from '../domain/backup';
import type { DrillRecord } from '../domain/drill-record';
import type { CopyFacts } from '../drill/check-copy';
import type { TableSettings, TableShape } from '../ports/dynamodb-port';
import type { FanOutFacts, Json } from './contract';

/**
 * What the drill knew when it handed the copy's scan over (CopyFacts), as JSON for the execution's
 * state and the drill's history record, and back: a worker begins the same checks from it as the
 * drill would, and the drill finishes them from the same facts. Dates travel as ISO text.
 */

const asJson = <T>(value: T): Record<string, Json> => JSON.parse(JSON.stringify(value));
const date = (value: Json | undefined): Date | undefined => (typeof value === 'string' ? new Date(value) : undefined);

export function toFanOutFacts(facts: CopyFacts & { readonly restored: TableShape }, partialBytes: number): FanOutFacts {
  const { drill, recoveryPoint } = facts;
  return {
    drillId: drill.drillId,
    sourceTableName: facts.table.tableName,
    restoredTableName: drill.restoredTableName,
    drillStartedAt: drill.startedAt,
    recoveryPoint: {
      recoveryPointArn: recoveryPoint.recoveryPointArn,
      backupVaultName: recoveryPoint.backupVaultName,
      creationDate: recoveryPoint.creationDate,
      ...(recoveryPoint.selectedBy ? { selectedBy: recoveryPoint.selectedBy } : {}),
      ...(recoveryPoint.newestCreationDate ? { newestCreationDate: recoveryPoint.newestCreationDate } : {}),
    },
    restoreJob: asJson(facts.restoreJob),
    ...(facts.source ? { source: asJson(facts.source) } : {}),
    ...(facts.sourceSettings ? { sourceSettings: asJson(facts.sourceSettings) } : {}),
    restored: asJson(facts.restored),
    ...(facts.restoredActiveAt !== undefined ? { restoredActiveAt: facts.restoredActiveAt } : {}),
    sourceReadUnitsPerSecond: facts.sourceReadUnitsPerSecond,
    partialBytes,
  };
}

const shapeOf = (json: Record<string, Json>): TableShape => ({ ...(json as unknown as TableShape), createdAt: date(json.createdAt) });

/** The facts back as the drill holds them; the drilled table from the configuration (workers read the same). */
export function copyFactsOf(config: Pick<DrillConfig, 'tables'>, facts: FanOutFacts): CopyFacts & { readonly restored: TableShape } {
  const table = config.tables.find((t) => t.tableName === facts.sourceTableName);
  if (!table) throw new Error(`fan-out facts name table ${facts.sourceTableName}, which this drill's configuration does not drill`);
  const job = facts.restoreJob;
  const restoreJob: RestoreJob = {
    ...(job as unknown as RestoreJob),
    creationDate: date(job.creationDate),
    completionDate: date(job.completionDate),
    recoveryPointCreationDate: date(job.recoveryPointCreationDate),
  };
  // Only what checkContext reads of the record.
  const drill = {
    drillId: facts.drillId,
    startedAt: facts.drillStartedAt,
    restoredTableName: facts.restoredTableName,
  } as DrillRecord;
  return {
    table,
    drill,
    recoveryPoint: facts.recoveryPoint,
    restoreJob,
    source: facts.source ? shapeOf(facts.source) : undefined,
    sourceSettings: facts.sourceSettings as unknown as TableSettings | undefined,
    restored: shapeOf(facts.restored),
    restoredActiveAt: facts.restoredActiveAt,
    sourceReadUnitsPerSecond: facts.sourceReadUnitsPerSecond,
  };
}
