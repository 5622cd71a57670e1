import type { CheckContext, CheckDefinition } from '../checks/check';
import { isDrillItemFor, isScannedDrillItemFor } from '../checks/drill-items';
import type { DrilledTable } from '../config';
import type { RestoreJob } from '../domain/backup';
import type { DrillRecord, RecoveryPointFacts } from '../domain/drill-record';
import type { Engine } from './engine';
import { createMeteredReader } from '../metering/metered-reader';
import type { TableSettings, TableShape } from '../ports/dynamodb-port';
import type { TimeBudget } from './time-budget';

/** What the drill has found out by the time it checks the copy. */
export interface CopyFacts {
  readonly table: DrilledTable;
  readonly drill: DrillRecord;
  readonly recoveryPoint: RecoveryPointFacts;
  readonly restoreJob: RestoreJob;
  /** The source now; undefined when it no longer exists. */
  readonly source?: TableShape;
  readonly sourceSettings?: TableSettings;
  /** The restored copy, when the restore COMPLETED. */
  readonly restored?: TableShape;
  readonly restoredActiveAt?: number;
  /** The pace of source reads (sourceReadPace). */
  readonly sourceReadUnitsPerSecond: number;
}

/**
 * The checks' view of one drill: what it found, read-only ports, reads of the source metered
 * (charged to the read budget and paced), and the time the checks may spend.
 */
export function checkContext(engine: Engine, time: TimeBudget, facts: CopyFacts): CheckContext {
  const { table, drill, recoveryPoint, source, restored } = facts;
  return {
    table,
    targets: engine.config.targets,
    drillStartedAt: new Date(drill.startedAt),
    recoveryPoint: {
      recoveryPointArn: recoveryPoint.recoveryPointArn,
      backupVaultName: recoveryPoint.backupVaultName,
      resourceArn: table.tableArn,
      status: 'COMPLETED',
      creationDate: new Date(recoveryPoint.creationDate),
    },
    newestRecoveryPointCreated: recoveryPoint.newestCreationDate ? new Date(recoveryPoint.newestCreationDate) : undefined,
    restoreJob: facts.restoreJob,
    source,
    sourceSettings: facts.sourceSettings,
    restored,
    restoredTableName: drill.restoredTableName,
    restoredActiveAt: facts.restoredActiveAt,
    dynamodb: createMeteredReader({
      dynamodb: engine.dynamodb,
      sourceTableName: source?.name,
      budgetUnits: engine.config.targets.sourceReadBudgetUnits,
      unitsPerSecond: facts.sourceReadUnitsPerSecond,
      clock: engine.clock,
      timeLeftMs: () => time.checkTimeMs(),
    }),
    canaries: engine.canaries,
    hasTime: () => time.checkTimeMs() > 0,
    isDrillItem: isDrillItemFor(table, source ?? restored ?? { keySchema: [] }),
    isScannedDrillItem: isScannedDrillItemFor(table, source ?? restored ?? { keySchema: [] }),
    random: engine.random,
  };
}

/** The built-in checks, then the custom checks the table names (a name nothing is registered under FAILs). */
export function checksFor(engine: Engine, table: DrilledTable): CheckDefinition[] {
  const custom = (table.customChecks ?? []).map((name): CheckDefinition => {
    const registered = engine.customChecks[name];
    return registered ?? unregisteredCheck(name);
  });
  return [...engine.checks, ...custom];
}

function unregisteredCheck(name: string): CheckDefinition {
  return {
    name,
    needs: 'restored-table',
    begin: () => ({
      result: async () => ({
        check: name,
        status: 'FAIL',
        summary: `no custom check is registered as "${name}"`,
        nextStep: 'fix the customChecks setting of this table or register the check (README "Custom checks")',
      }),
    }),
  };
}
