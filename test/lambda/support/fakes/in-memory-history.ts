import type { CanaryRecord } from '../../../../lambda/domain/canary';
import type { DrillRecord, DrillStatus } from '../../../../lambda/domain/drill-record';
import type { HistoryPort } from '../../../../lambda/ports/history-port';
import { PortCalls } from './port-calls';

/**
 * The drill history, in memory, keeping the port's contract as the DynamoDB-backed port keeps
 * it (test/lambda/ports/history-contract.test.ts runs the same assertions on both): a conditional
 * create, a lease taken only from the given statuses and only when free, expired or already ours,
 * updates guarded by the lease owner and the status, FINISHED closing the drill (off the open
 * list, lease gone), the first value recorded under a key winning, canaries newest-first before a
 * time. Records are stored as DynamoDB stores them: copies, without the fields left undefined.
 */

interface StoredDrill {
  record: DrillRecord;
  /** The sparse openMarker of the table: set at create unless FINISHED, removed when FINISHED is written. */
  open: boolean;
  /** The same attribute holding AWAITING_DELETION instead: set on a FINISHED restore test whose copy's deletion is watched. */
  awaitingDeletion?: boolean;
}

/** What marshall({ removeUndefinedValues: true }) keeps: no undefined anywhere, plain data. */
const stored = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export class InMemoryHistory extends PortCalls<HistoryPort> implements HistoryPort {
  private readonly drills = new Map<string, StoredDrill>();
  private readonly firstValues = new Map<string, string>();
  private readonly canaries: CanaryRecord[] = [];
  /** Restore slot number -> the drill holding it. */
  private readonly slots = new Map<number, string>();

  /** The record as stored now (undefined when none), without going through the port. */
  record(drillId: string): DrillRecord | undefined {
    const drill = this.drills.get(drillId);
    return drill && stored(drill.record);
  }

  async create(record: DrillRecord): Promise<{ created: true } | { created: false; existing: DrillRecord }> {
    await this.enter('create', [record]);
    const existing = this.drills.get(record.drillId);
    if (existing) return { created: false, existing: stored(existing.record) };
    this.drills.set(record.drillId, { record: stored(record), open: record.status !== 'FINISHED' });
    return { created: true };
  }

  async get(drillId: string): Promise<DrillRecord | undefined> {
    await this.enter('get', [drillId]);
    return this.record(drillId);
  }

  async findByRestoreJob(restoreJobId: string): Promise<DrillRecord | undefined> {
    await this.enter('findByRestoreJob', [restoreJobId]);
    const found = [...this.drills.values()].find((drill) => drill.record.restoreJobId === restoreJobId);
    return found && stored(found.record);
  }

  async listOpen(): Promise<DrillRecord[]> {
    await this.enter('listOpen', []);
    return [...this.drills.values()].filter((drill) => drill.open).map((drill) => stored(drill.record));
  }

  async listDeletionWatches(): Promise<DrillRecord[]> {
    await this.enter('listDeletionWatches', []);
    return [...this.drills.values()].filter((drill) => drill.awaitingDeletion).map((drill) => stored(drill.record));
  }

  /** Only a FINISHED drill: an open one's marker says OPEN, which the sweep must keep seeing. */
  async watchDeletion(drillId: string, watching: boolean): Promise<void> {
    await this.enter('watchDeletion', [drillId, watching]);
    const drill = this.drills.get(drillId);
    if (drill?.record.status !== 'FINISHED') return;
    drill.awaitingDeletion = watching;
  }

  async hasEarlierDrill(drill: Pick<DrillRecord, 'drillId' | 'sourceTable' | 'sourceTableArn' | 'startedAt'>): Promise<boolean> {
    await this.enter('hasEarlierDrill', [drill]);
    return [...this.drills.values()].some(
      ({ record }) =>
        record.sourceTable === drill.sourceTable &&
        record.startedAt <= drill.startedAt &&
        record.drillId !== drill.drillId &&
        record.sourceTableArn === drill.sourceTableArn,
    );
  }

  async claim(
    drillId: string,
    from: readonly DrillStatus[],
    owner: string,
    nowMs: number,
    leaseMs: number,
  ): Promise<DrillRecord | undefined> {
    await this.enter('claim', [drillId, from, owner, nowMs, leaseMs]);
    const drill = this.drills.get(drillId);
    if (!drill || !from.includes(drill.record.status)) return undefined;
    const { leaseOwner, leaseUntil } = drill.record;
    if (leaseUntil !== undefined && !(leaseUntil < nowMs) && leaseOwner !== owner) return undefined;
    drill.record = { ...drill.record, leaseOwner: owner, leaseUntil: nowMs + leaseMs };
    return stored(drill.record);
  }

  async update(drillId: string, fields: Partial<DrillRecord>, options: { owner?: string; ifStatus?: DrillStatus } = {}): Promise<boolean> {
    await this.enter('update', [drillId, fields, options]);
    const drill = this.drills.get(drillId);
    if (!drill) return false;
    if (options.owner && drill.record.leaseOwner !== options.owner) return false;
    if (options.ifStatus && drill.record.status !== options.ifStatus) return false;
    const record: Record<string, unknown> = { ...drill.record, ...stored(fields) };
    if (fields.status === 'FINISHED') {
      drill.open = false;
      drill.awaitingDeletion = false;
      delete record.leaseOwner;
      delete record.leaseUntil;
    }
    drill.record = record as unknown as DrillRecord;
    return true;
  }

  async release(drillId: string, owner: string): Promise<void> {
    await this.enter('release', [drillId, owner]);
    const drill = this.drills.get(drillId);
    if (!drill || drill.record.leaseOwner !== owner) return;
    const { leaseOwner: _owner, leaseUntil: _until, ...rest } = drill.record;
    drill.record = rest;
  }

  async firstRecorded(key: string, value: string): Promise<string> {
    await this.enter('firstRecorded', [key, value]);
    const recorded = this.firstValues.get(key);
    if (recorded !== undefined) return recorded;
    this.firstValues.set(key, value);
    return value;
  }

  async takeRestoreSlot(drillId: string, slots: number): Promise<number | undefined> {
    await this.enter('takeRestoreSlot', [drillId, slots]);
    for (let slot = 0; slot < slots; slot++) {
      const holder = this.slots.get(slot);
      if (holder === undefined || holder === drillId) {
        this.slots.set(slot, drillId);
        return slot;
      }
    }
    return undefined;
  }

  async releaseRestoreSlot(slot: number, drillId: string): Promise<void> {
    await this.enter('releaseRestoreSlot', [slot, drillId]);
    if (this.slots.get(slot) === drillId) this.slots.delete(slot);
  }

  async restoreSlotHolders(slots: number): Promise<{ slot: number; drillId: string }[]> {
    await this.enter('restoreSlotHolders', [slots]);
    return [...this.slots.entries()]
      .filter(([slot]) => slot < slots)
      .sort(([a], [b]) => a - b)
      .map(([slot, drillId]) => ({ slot, drillId }));
  }

  async recordCanary(canary: CanaryRecord): Promise<void> {
    await this.enter('recordCanary', [canary]);
    // One item per table and write time, as the table's key (CANARY#<table>, writtenAt) allows.
    const at = this.canaries.findIndex((c) => c.tableName === canary.tableName && c.writtenAt === canary.writtenAt);
    if (at >= 0) this.canaries.splice(at, 1);
    this.canaries.push(stored(canary));
  }

  async latestCanaryBefore(tableName: string, before: Date): Promise<CanaryRecord | undefined> {
    await this.enter('latestCanaryBefore', [tableName, before]);
    const cutoff = before.toISOString();
    const earlier = this.canaries.filter((c) => c.tableName === tableName && c.writtenAt < cutoff);
    const newest = earlier.sort((a, b) => (a.writtenAt < b.writtenAt ? 1 : -1))[0];
    return newest && stored(newest);
  }
}
