import type { DrillRecord } from '../domain/drill-record';
import { formatTime } from '../report/format';
import { DrillRun } from './drill-run';
import type { Engine, Invocation } from './engine';
import { freeAbandonedSlots, needsRestoreSlot, restoreSlots } from './restore-slots';
import type { DrillResult } from './run-state';

/**
 * The queue of drills waiting for a restore slot (restore-slots.ts). A run of N tables records
 * all N drills queued, then drains the queue: at most `maxConcurrentRestores` drills at once,
 * each taking the next queued drill when its own ends, while the invocation has the time. What
 * is left stays queued in the drill history and is drained by every later invocation: the one
 * each running restore's Restore Job State Change event starts, and the next scheduled run. Each
 * drill runs, fails and reports on its own; one drill's error never stops another.
 */

export type Settled = PromiseSettledResult<DrillResult>;

/**
 * How the drain uses the time left: with twice the reserve a drill runs as usual (waits for its
 * restore, hands over when time runs short); with less, but one and a half reserves, it only
 * starts its restore (a few AWS calls) and hands the drill over to that restore's event at once,
 * so the queue moves on even when this invocation ends; with less, nothing more is started.
 */
function drainMode(invocation: Invocation): 'wait' | 'start-only' | 'stop' {
  const { time } = invocation;
  if (time.canCheckNow()) return 'wait';
  return time.canPause(time.reserveMs / 2) ? 'start-only' : 'stop';
}

/** Open drills that wait for a slot, or hold one and are not being run (no live lease): the oldest first. */
async function waitingDrills(engine: Engine): Promise<DrillRecord[]> {
  const now = engine.clock.now();
  const waiting = (await engine.history.listOpen()).filter(
    (drill) =>
      (needsRestoreSlot(drill) || (drill.status === 'STARTED' && drill.restoreSlot !== undefined)) &&
      (drill.leaseUntil === undefined || drill.leaseUntil < now),
  );
  const since = (drill: DrillRecord) => drill.queuedAt ?? drill.startedAt;
  // Drills holding a slot first: they go ahead without taking another.
  return waiting.sort(
    (a, b) =>
      Number(a.restoreSlot === undefined) - Number(b.restoreSlot === undefined) ||
      since(a).localeCompare(since(b)) ||
      a.drillId.localeCompare(b.drillId),
  );
}

export interface DrainOptions {
  /** Drills to run first, whatever their status (this invocation's own: a retry continues them). */
  readonly first?: readonly DrillRecord[];
  /** Also run the other drills waiting in the history. */
  readonly others: boolean;
}

/**
 * Runs queued drills with at most `maxConcurrentRestores` at once. Returns what each drill it ran
 * came to, by drill id (a drill still queued when the drain stops comes back `queued`).
 */
export async function drainRestoreQueue(engine: Engine, invocation: Invocation, options: DrainOptions): Promise<Map<string, Settled>> {
  const results = new Map<string, Settled>();
  const first = options.first ?? [];
  const firstIds = new Set(first.map((drill) => drill.drillId));
  const others = options.others ? (await waitingDrills(engine)).filter((drill) => !firstIds.has(drill.drillId)) : [];
  const pending = [...first, ...others];
  if (pending.some(needsRestoreSlot)) {
    try {
      await freeAbandonedSlots(engine);
    } catch (error) {
      engine.logger.warn('could not look for abandoned restore slots; draining with the slots as they are', { error: error as Error });
    }
  }

  const worker = async (): Promise<void> => {
    for (let mode = drainMode(invocation); mode !== 'stop' && pending.length > 0; mode = drainMode(invocation)) {
      const drill = pending.shift() as DrillRecord;
      const [settled] = await Promise.allSettled([DrillRun.resume(engine, invocation, drill, { waitForRestore: mode === 'wait' })]);
      results.set(drill.drillId, settled);
      if (settled.status === 'fulfilled' && settled.value.status === 'queued') {
        // Every slot is held: this worker ends; one whose drill ends takes the drill up.
        pending.unshift(drill);
        return;
      }
    }
  };
  const workers = Math.min(restoreSlots(engine.config), pending.length);
  await Promise.all(Array.from({ length: workers }, worker));
  await keepQueueMoving(engine, invocation, pending, results);

  for (const drill of pending) {
    if (!results.has(drill.drillId) && needsRestoreSlot(drill)) {
      const reason = `still queued when this invocation's time ran short (maxConcurrentRestores ${restoreSlots(engine.config)}); the next invocation starts it`;
      results.set(drill.drillId, {
        status: 'fulfilled',
        value: { drillId: drill.drillId, table: drill.sourceTable, status: 'queued', reason },
      });
    }
  }
  return results;
}

/**
 * The drain stopped for time with drills still queued. Each restore in flight will start more
 * when its event arrives; with none in flight nothing would, until the next scheduled run. So
 * one restore is started now (asked for, then handed to its event), when half the reserve is
 * still left: with no drill running here, nothing else needs the reserve.
 */
async function keepQueueMoving(engine: Engine, invocation: Invocation, pending: DrillRecord[], results: Map<string, Settled>) {
  const next = pending.find(needsRestoreSlot);
  if (!next || invocation.time.remainingMs() <= invocation.time.reserveMs / 2) return;
  if ((await engine.history.restoreSlotHolders(restoreSlots(engine.config))).length > 0) return;
  engine.logger.info('drills queued and no restore in flight to start them: starting one before this invocation ends', {
    drillId: next.drillId,
  });
  const [settled] = await Promise.allSettled([DrillRun.resume(engine, invocation, next, { waitForRestore: false })]);
  results.set(next.drillId, settled);
  pending.splice(pending.indexOf(next), 1);
}

/**
 * Queued scheduled drills of an earlier run that never got a slot, of the tables this run drills:
 * each is finished as a FAIL that says it was not drilled and why, and reported, so no queued
 * table is ever dropped in silence; this run's drill of the table takes its place.
 */
export async function retireSupersededDrills(engine: Engine, invocation: Invocation, current: readonly DrillRecord[]): Promise<Settled[]> {
  const byTable = new Map(current.map((drill) => [drill.sourceTableArn, drill]));
  const superseded = (await engine.history.listOpen()).filter((drill) => {
    const replacement = byTable.get(drill.sourceTableArn);
    return replacement !== undefined && replacement.drillId !== drill.drillId && drill.trigger === 'schedule' && needsRestoreSlot(drill);
  });
  const settled: Settled[] = [];
  for (const drill of superseded) {
    const [result] = await Promise.allSettled([retire(engine, invocation, drill, byTable.get(drill.sourceTableArn) as DrillRecord)]);
    settled.push(result);
  }
  return settled;
}

async function retire(engine: Engine, invocation: Invocation, drill: DrillRecord, replacement: DrillRecord): Promise<DrillResult> {
  const { history, clock } = engine;
  const claimed = await history.claim(drill.drillId, ['STARTED'], invocation.owner, clock.now(), invocation.time.leaseMs());
  if (!claimed || !needsRestoreSlot(claimed)) {
    // Another invocation took it up meanwhile: it runs as any drill does.
    if (claimed) await history.release(drill.drillId, invocation.owner);
    return { drillId: drill.drillId, table: drill.sourceTable, status: 'in-progress-elsewhere' };
  }
  const slots = restoreSlots(engine.config);
  const earlyFailure = `not drilled: queued since ${formatTime(claimed.queuedAt ?? claimed.startedAt)} behind maxConcurrentRestores ${slots}, no restore slot freed before the next scheduled run (drill ${replacement.drillId}), which drills the table instead. Raise maxConcurrentRestores (at most 50: DynamoDB's concurrent restores per account) or drill less often.`;
  if (!(await history.update(drill.drillId, { earlyFailure }, { owner: invocation.owner, ifStatus: 'STARTED' }))) {
    return { drillId: drill.drillId, table: drill.sourceTable, status: 'in-progress-elsewhere' };
  }
  engine.logger.warn('queued drill of an earlier run never got a restore slot; reporting it as not drilled', {
    drillId: drill.drillId,
    table: drill.sourceTable,
    replacedBy: replacement.drillId,
  });
  return DrillRun.resume(engine, invocation, { ...claimed, earlyFailure });
}
