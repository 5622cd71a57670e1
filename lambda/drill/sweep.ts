import type { Engine, Invocation } from './engine';
import { deleteRestoredCopy } from './cleanup';
import { DrillRun } from './drill-run';
import type { DrillResult } from './run-state';
import { drillIdOfRestoredTable } from './drill-id';
import { needsRestoreSlot } from './restore-slots';

/**
 * Safety nets run first in every scheduled invocation, before new drills wait on their restores.
 * EventBridge delivery is best effort and a Lambda can die mid-drill; these make sure such a
 * drill still finishes and its copy still goes.
 */

/** Open drills older than any invocation can live: nobody is working on them. */
const STALE_AFTER_MS = 16 * 60_000;

export async function resumeStaleDrills(engine: Engine, invocation: Invocation): Promise<PromiseSettledResult<DrillResult>[]> {
  const now = engine.clock.now();
  const stale = (await engine.history.listOpen()).filter(
    (drill) =>
      now - Date.parse(drill.startedAt) > STALE_AFTER_MS &&
      (drill.leaseUntil === undefined || drill.leaseUntil < now) &&
      // A drill waiting for a restore slot is not stuck: the restore queue runs it.
      !needsRestoreSlot(drill),
  );
  const results: PromiseSettledResult<DrillResult>[] = [];
  for (const drill of stale) {
    engine.logger.info('resuming a drill nobody finished (lost event or interrupted invocation)', {
      drillId: drill.drillId,
      status: drill.status,
    });
    // No waiting here: a restore still running is left to its own event.
    const [settled] = await Promise.allSettled([DrillRun.resume(engine, invocation, drill, { waitForRestore: false })]);
    results.push(settled);
  }
  return results;
}

/**
 * Deletes restored copies whose drill is FINISHED but whose delete failed, and kept copies
 * (keepFailedCopyHours) once their time is up; reports what it did.
 */
export async function deleteLeftoverCopies(engine: Engine, invocation: Invocation): Promise<string[]> {
  const done: string[] = [];
  for (const tableName of await engine.dynamodb.listTableNames(engine.config.restoreTablePrefix)) {
    const drillId = drillIdOfRestoredTable(engine.config.restoreTablePrefix, tableName);
    const drill = drillId ? await engine.history.get(drillId) : undefined;
    if (!drill) {
      engine.logger.warn('table carries the drill prefix but no drill created it; left alone', { tableName });
      continue;
    }
    if (drill.status !== 'FINISHED') continue;
    // A FAILed drill's copy kept for investigation (keepFailedCopyHours) is no leftover until it expires.
    const kept = drill.outcome?.cleanup.result === 'kept' ? drill.outcome.cleanup.keptUntil : undefined;
    if (kept && Date.parse(kept) > engine.clock.now()) {
      engine.logger.info('restored copy kept for investigation; not a leftover yet', {
        drillId: drill.drillId,
        tableName,
        keptUntil: kept,
      });
      continue;
    }
    const cleanup = await deleteRestoredCopy({
      config: engine.config,
      dynamodb: engine.dynamodb,
      clock: engine.clock,
      time: invocation.time,
      drill,
    });
    engine.logger.info('leftover restored copy', { drillId: drill.drillId, cleanup });
    done.push(`${tableName}: ${cleanup.result}${kept ? ` (kept for investigation until ${kept})` : ''}`);
  }
  return done;
}
