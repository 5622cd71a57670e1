import type { DrillConfig } from '../config';
import type { DrillRecord } from '../domain/drill-record';
import { SETTINGS } from '../settings/spec';
import type { Engine } from './engine';

/**
 * Restore slots: at most `maxConcurrentRestores` of this stack's drills have a restore in flight.
 * DynamoDB runs "up to 50 concurrent restores (any type of restore)" per account (DynamoDB API
 * Reference, RestoreTableFromBackup), an AWS Backup restore of a table being one; AWS Backup's
 * quotas page documents no limit of its own on restore jobs. A drill takes a slot (one item per
 * slot in the drill history, taken by a conditional write) before it asks for its restore, and
 * frees it once the restore has ended (CLEANING): two invocations can never hold one slot, so
 * the count holds across every invocation the drill's events start at once.
 */

export function restoreSlots(config: DrillConfig): number {
  return config.maxConcurrentRestores ?? SETTINGS.maxConcurrentRestores.default;
}

/**
 * A drill that has not asked for its restore yet, and will: it needs a slot first. A drill that
 * asked before slots existed (restoreStartedAt), failed early, or validates a restore test AWS
 * Backup started needs none.
 */
export function needsRestoreSlot(drill: DrillRecord): boolean {
  return (
    drill.status === 'STARTED' &&
    drill.restoreSlot === undefined &&
    drill.restoreStartedAt === undefined &&
    drill.earlyFailure === undefined &&
    drill.trigger !== 'restore-test'
  );
}

export type Admission =
  | { readonly admitted: DrillRecord }
  | { readonly queued: string }
  /** The lease was lost between the claim and the slot: another invocation runs the drill. */
  | { readonly lost: true };

/**
 * For the lease holder of a STARTED drill: a slot, recorded on the drill; or the drill stays
 * queued (its queuedAt recorded once) for the next invocation that finds a slot free.
 */
export async function admitRestore(engine: Engine, owner: string, drill: DrillRecord): Promise<Admission> {
  const slots = restoreSlots(engine.config);
  const now = new Date(engine.clock.now()).toISOString();
  const slot = await engine.history.takeRestoreSlot(drill.drillId, slots);
  if (slot === undefined) {
    if (drill.queuedAt === undefined) await engine.history.update(drill.drillId, { queuedAt: now }, { owner });
    return {
      queued: `waiting for a restore slot: ${slots} restore(s) of this drill already in flight (maxConcurrentRestores ${slots}); it starts when one ends`,
    };
  }
  // A drill that waited counts its time (RPO, staleness) from now, when its restore can start.
  const fields = { restoreSlot: slot, ...(drill.queuedAt !== undefined ? { startedAt: now } : {}) };
  if (!(await engine.history.update(drill.drillId, fields, { owner }))) {
    await engine.history.releaseRestoreSlot(slot, drill.drillId);
    return { lost: true };
  }
  return { admitted: { ...drill, ...fields } };
}

/** Frees the drill's slot: its restore has ended (or never will). */
export async function freeRestoreSlot(engine: Engine, drill: DrillRecord): Promise<void> {
  if (drill.restoreSlot !== undefined) await engine.history.releaseRestoreSlot(drill.restoreSlot, drill.drillId);
}

/**
 * Frees slots whose holder no longer restores: past RESTORING, or gone. A drill that died
 * between its restore's end and freeing its slot would otherwise hold it forever. Returns the
 * slots freed.
 */
export async function freeAbandonedSlots(engine: Engine): Promise<number[]> {
  const freed: number[] = [];
  for (const { slot, drillId } of await engine.history.restoreSlotHolders(restoreSlots(engine.config))) {
    const holder = await engine.history.get(drillId);
    if (holder && (holder.status === 'STARTED' || holder.status === 'RESTORING')) continue;
    await engine.history.releaseRestoreSlot(slot, drillId);
    engine.logger.info('restore slot freed: its drill no longer restores', { slot, drillId, status: holder?.status });
    freed.push(slot);
  }
  return freed;
}
