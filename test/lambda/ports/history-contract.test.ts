import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { DrillRecord } from '../../../lambda/domain/drill-record';
import { createHistoryPort, type HistoryPort } from '../../../lambda/ports/history-port';
import { startLocalDynamoDb } from '../../harness/dynamodb/local-dynamodb';
import { InMemoryHistory } from '../support/fakes/in-memory-history';
import { historyTableInput } from '../support/history-table';

/**
 * The drill history's contract, as the flow relies on it, run with the same assertions on the
 * port over AWS's DynamoDB Local (the table as the construct creates it) and on the in-memory
 * fake the flow tests run on: the two cannot drift apart without one of these failing.
 */

interface Subject {
  readonly port: HistoryPort;
  close(): Promise<void>;
}

async function onDynamoDbLocal(): Promise<Subject> {
  const local = await startLocalDynamoDb({ accountId: '123456789012', region: 'us-east-1', createTableMs: 0, deleteTableMs: 0 });
  await local.client.send(new CreateTableCommand(historyTableInput('drill-history')));
  await local.waitForTableActive('drill-history');
  return { port: createHistoryPort(local.client, 'drill-history'), close: () => local.close() };
}

async function inMemory(): Promise<Subject> {
  return { port: new InMemoryHistory(), close: async () => undefined };
}

const NOW = Date.parse('2026-11-28T06:00:00.000Z');
const LEASE = 60_000;
let sequence = 0;

/** A drill of its own table (tests share one history, and queries by table must not see each other's drills). */
function drill(overrides: Partial<DrillRecord> = {}): DrillRecord {
  sequence += 1;
  const sourceTable = overrides.sourceTable ?? `orders-${sequence}`;
  return {
    drillId: `20261128t060000z-${String(sequence).padStart(8, '0')}`,
    sourceTable,
    sourceTableArn: `arn:aws:dynamodb:us-east-1:123456789012:table/${sourceTable}`,
    trigger: 'schedule',
    startedAt: '2026-11-28T06:00:00.000Z',
    status: 'STARTED',
    restoredTableName: `drill-copy-${sourceTable}-${sequence}`,
    ...overrides,
  };
}

describe.each([
  ['the history port on DynamoDB Local', onDynamoDbLocal],
  ['the in-memory history', inMemory],
])('%s', (_name, start) => {
  let subject: Subject;
  let history: HistoryPort;

  beforeAll(async () => {
    subject = await start();
    history = subject.port;
  });

  afterAll(() => subject.close());

  describe('create and get', () => {
    test('creates a record once; a second create returns the record as first written', async () => {
      const record = drill();
      expect(await history.create(record)).toEqual({ created: true });
      expect(await history.get(record.drillId)).toEqual(record);
      expect(await history.create({ ...record, trigger: 'manual', status: 'RESTORING' })).toEqual({ created: false, existing: record });
    });

    test('an unknown drill is undefined', async () => {
      expect(await history.get('20261128t060000z-unknown0')).toBeUndefined();
    });

    test('a record keeps nested outcomes as written, and drops fields left undefined', async () => {
      const record = drill({
        earlyFailure: undefined,
        checked: {
          checks: [
            {
              check: 'item count',
              status: 'PASS',
              summary: 'restored 40, source 40',
              numbers: { restoredItems: 40, mode: 'exact', ok: true },
            },
          ],
          restoredScan: { items: 40, readUnits: 1.5 },
          failure: undefined,
        },
      });
      await history.create(record);
      const read = await history.get(record.drillId);
      expect(read).toEqual(record);
      expect(read).not.toHaveProperty('earlyFailure');
      expect(read?.checked).not.toHaveProperty('failure');
    });
  });

  describe('update', () => {
    test('sets the given fields and keeps the others; a field given as undefined is left as it was', async () => {
      const record = drill({
        recoveryPoint: { recoveryPointArn: 'arn:rp', backupVaultName: 'vault', creationDate: '2026-11-28T03:00:00.000Z' },
      });
      await history.create(record);
      expect(await history.update(record.drillId, { earlyFailure: 'no recovery point', recoveryPoint: undefined })).toBe(true);
      expect(await history.get(record.drillId)).toEqual({ ...record, earlyFailure: 'no recovery point' });
    });

    test('an unknown drill is not updated, nor created', async () => {
      const record = drill();
      expect(await history.update(record.drillId, { status: 'RESTORING' })).toBe(false);
      expect(await history.get(record.drillId)).toBeUndefined();
    });

    test('ifStatus: only while the drill is in that status', async () => {
      const record = drill();
      await history.create(record);
      expect(await history.update(record.drillId, { restoreJobId: 'job-a' }, { ifStatus: 'RESTORING' })).toBe(false);
      expect(await history.update(record.drillId, { restoreJobId: 'job-b', status: 'RESTORING' }, { ifStatus: 'STARTED' })).toBe(true);
      expect(await history.get(record.drillId)).toMatchObject({ restoreJobId: 'job-b', status: 'RESTORING' });
    });

    test('owner: only while that owner holds the lease', async () => {
      const record = drill();
      await history.create(record);
      expect(await history.update(record.drillId, { status: 'CLEANING' }, { owner: 'a' })).toBe(false);
      await history.claim(record.drillId, ['STARTED'], 'a', NOW, LEASE);
      expect(await history.update(record.drillId, { status: 'CLEANING' }, { owner: 'b' })).toBe(false);
      expect(await history.update(record.drillId, { status: 'CLEANING' }, { owner: 'a' })).toBe(true);
      expect((await history.get(record.drillId))?.status).toBe('CLEANING');
    });
  });

  describe('the lease', () => {
    test('is taken only from the given statuses, and comes back with the record', async () => {
      const record = drill();
      await history.create(record);
      expect(await history.claim(record.drillId, ['RESTORING', 'CLEANING'], 'a', NOW, LEASE)).toBeUndefined();
      expect(await history.claim(record.drillId, ['STARTED', 'RESTORING'], 'a', NOW, LEASE)).toEqual({
        ...record,
        leaseOwner: 'a',
        leaseUntil: NOW + LEASE,
      });
    });

    test('an unknown drill cannot be claimed', async () => {
      expect(await history.claim('20261128t060000z-nobody00', ['STARTED'], 'a', NOW, LEASE)).toBeUndefined();
    });

    test('another owner waits until it has expired; its holder takes it again at once', async () => {
      const record = drill();
      await history.create(record);
      await history.claim(record.drillId, ['STARTED'], 'a', NOW, LEASE);
      expect(await history.claim(record.drillId, ['STARTED'], 'b', NOW + LEASE - 1, LEASE)).toBeUndefined();
      // Expired means strictly past leaseUntil.
      expect(await history.claim(record.drillId, ['STARTED'], 'b', NOW + LEASE, LEASE)).toBeUndefined();
      expect(await history.claim(record.drillId, ['STARTED'], 'a', NOW + 1_000, LEASE)).toMatchObject({
        leaseOwner: 'a',
        leaseUntil: NOW + 1_000 + LEASE,
      });
      expect(await history.claim(record.drillId, ['STARTED'], 'b', NOW + 1_000 + LEASE + 1, LEASE)).toMatchObject({ leaseOwner: 'b' });
    });

    test('release: only by its holder; then the record has no lease and another owner takes it at once', async () => {
      const record = drill();
      await history.create(record);
      await history.claim(record.drillId, ['STARTED'], 'a', NOW, LEASE);
      await history.release(record.drillId, 'b');
      expect(await history.get(record.drillId)).toMatchObject({ leaseOwner: 'a' });
      await history.release(record.drillId, 'a');
      const released = await history.get(record.drillId);
      expect(released).not.toHaveProperty('leaseOwner');
      expect(released).not.toHaveProperty('leaseUntil');
      expect(await history.claim(record.drillId, ['STARTED'], 'b', NOW, LEASE)).toMatchObject({ leaseOwner: 'b' });
    });
  });

  describe('open drills and FINISHED', () => {
    test('every drill not FINISHED is open; writing FINISHED closes it and drops its lease', async () => {
      const started = drill();
      const restoring = drill({ status: 'RESTORING' });
      const finishing = drill();
      for (const record of [started, restoring, finishing]) await history.create(record);
      await history.claim(finishing.drillId, ['STARTED'], 'a', NOW, LEASE);
      expect(await history.update(finishing.drillId, { status: 'FINISHED', reportedAt: '2026-11-28T06:10:00.000Z' }, { owner: 'a' })).toBe(
        true,
      );

      const open = (await history.listOpen()).map((record) => record.drillId);
      expect(open).toEqual(expect.arrayContaining([started.drillId, restoring.drillId]));
      expect(open).not.toContain(finishing.drillId);
      const finished = await history.get(finishing.drillId);
      expect(finished).toMatchObject({ status: 'FINISHED', reportedAt: '2026-11-28T06:10:00.000Z' });
      expect(finished).not.toHaveProperty('leaseOwner');
      expect(finished).not.toHaveProperty('leaseUntil');
    });

    test("a restore test's deletion is watched only once FINISHED, off the open list, until unwatched", async () => {
      const open = drill({ status: 'RESTORING' });
      const finished = drill();
      for (const record of [open, finished]) await history.create(record);
      await history.update(finished.drillId, { status: 'FINISHED' });

      await history.watchDeletion(open.drillId, true);
      await history.watchDeletion(finished.drillId, true);
      const watched = (await history.listDeletionWatches()).map((record) => record.drillId);
      expect(watched).toContain(finished.drillId);
      expect(watched).not.toContain(open.drillId);
      const openIds = (await history.listOpen()).map((record) => record.drillId);
      expect(openIds).toContain(open.drillId);
      expect(openIds).not.toContain(finished.drillId);

      await history.watchDeletion(finished.drillId, false);
      expect((await history.listDeletionWatches()).map((record) => record.drillId)).not.toContain(finished.drillId);
      expect(await history.get(finished.drillId)).toMatchObject({ status: 'FINISHED' });
    });

    test('open drills come back whole', async () => {
      const record = drill({ status: 'CLEANING', restoreJobId: 'job-open' });
      await history.create(record);
      expect((await history.listOpen()).find((r) => r.drillId === record.drillId)).toEqual(record);
    });
  });

  describe('lookups', () => {
    test('by restore job: the drill that recorded it, as it stands now', async () => {
      const record = drill();
      await history.create(record);
      await history.update(record.drillId, { restoreJobId: `job-of-${record.drillId}`, status: 'RESTORING' });
      expect(await history.findByRestoreJob(`job-of-${record.drillId}`)).toEqual({
        ...record,
        restoreJobId: `job-of-${record.drillId}`,
        status: 'RESTORING',
      });
      expect(await history.findByRestoreJob('someone-elses-job')).toBeUndefined();
    });

    test('an earlier drill of the same table (same name and ARN, started no later, not itself)', async () => {
      const now = drill({ startedAt: '2026-11-28T06:00:00.000Z' });
      const table = { sourceTable: now.sourceTable, sourceTableArn: now.sourceTableArn };
      await history.create(now);
      expect(await history.hasEarlierDrill(now)).toBe(false);

      await history.create(drill({ ...table, startedAt: '2026-11-29T06:00:00.000Z' }));
      await history.create(drill({ sourceTable: now.sourceTable, sourceTableArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/x' }));
      expect(await history.hasEarlierDrill(now)).toBe(false);

      await history.create(drill({ ...table, startedAt: now.startedAt }));
      expect(await history.hasEarlierDrill(now)).toBe(true);
    });

    test('a drill the day before counts as earlier', async () => {
      const now = drill({ startedAt: '2026-11-28T06:00:00.000Z' });
      await history.create(
        drill({ sourceTable: now.sourceTable, sourceTableArn: now.sourceTableArn, startedAt: '2026-11-27T06:00:00.000Z' }),
      );
      expect(await history.hasEarlierDrill(now)).toBe(true);
    });
  });

  describe('first recorded value', () => {
    test('the first value under a key wins; other keys are their own', async () => {
      const key = `manual|key:${sequence++}|arn`;
      expect(await history.firstRecorded(key, 'drill-1')).toBe('drill-1');
      expect(await history.firstRecorded(key, 'drill-2')).toBe('drill-1');
      expect(await history.firstRecorded(`${key}-other`, 'drill-3')).toBe('drill-3');
    });
  });

  describe('restore slots', () => {
    // One history per subject: the slot tests share it, so each drill id is its own.
    const id = (name: string) => `slot-${name}-${sequence++}`;

    test('slots are taken lowest first, one drill each, until every slot is held', async () => {
      const [a, b, c] = [id('a'), id('b'), id('c')];
      expect(await history.takeRestoreSlot(a, 2)).toBe(0);
      expect(await history.takeRestoreSlot(b, 2)).toBe(1);
      expect(await history.takeRestoreSlot(c, 2)).toBeUndefined();
      expect(await history.restoreSlotHolders(2)).toEqual([
        { slot: 0, drillId: a },
        { slot: 1, drillId: b },
      ]);
      await history.releaseRestoreSlot(0, a);
      await history.releaseRestoreSlot(1, b);
    });

    test('a holder takes its slot again; a release by anyone but the holder changes nothing', async () => {
      const [a, b] = [id('a'), id('b')];
      expect(await history.takeRestoreSlot(a, 1)).toBe(0);
      expect(await history.takeRestoreSlot(a, 1)).toBe(0);
      await history.releaseRestoreSlot(0, b);
      expect(await history.takeRestoreSlot(b, 1)).toBeUndefined();
      await history.releaseRestoreSlot(0, a);
      expect(await history.restoreSlotHolders(1)).toEqual([]);
      expect(await history.takeRestoreSlot(b, 1)).toBe(0);
      await history.releaseRestoreSlot(0, b);
    });

    test('drills taking slots at once never share one', async () => {
      const drills = Array.from({ length: 8 }, (_, i) => id(`racer${i}`));
      const slots = await Promise.all(drills.map((drillId) => history.takeRestoreSlot(drillId, 3)));
      const taken = slots.filter((slot) => slot !== undefined);
      expect(taken.sort()).toEqual([0, 1, 2]);
      const holders = await history.restoreSlotHolders(3);
      expect(new Set(holders.map((h) => h.drillId)).size).toBe(3);
      for (const { slot, drillId } of holders) await history.releaseRestoreSlot(slot, drillId);
    });
  });

  describe('canaries', () => {
    test('the newest canary written strictly before a time, of that table only', async () => {
      const table = `canary-table-${sequence++}`;
      const canary = (writtenAt: string, canaryId: string) => ({ tableName: table, canaryId, writtenAt });
      await history.recordCanary(canary('2026-11-26T06:00:00.000Z', 'c1'));
      await history.recordCanary(canary('2026-11-27T06:00:00.000Z', 'c2'));
      await history.recordCanary(canary('2026-11-28T06:00:00.000Z', 'c3'));
      await history.recordCanary({ tableName: `${table}-other`, canaryId: 'x', writtenAt: '2026-11-27T12:00:00.000Z' });

      // toMatchObject: the DynamoDB port also hands back the item's key attributes (pk, sk), which nothing reads.
      expect(await history.latestCanaryBefore(table, new Date('2026-11-28T05:00:00.000Z'))).toMatchObject(
        canary('2026-11-27T06:00:00.000Z', 'c2'),
      );
      expect(await history.latestCanaryBefore(table, new Date('2026-11-28T06:00:00.000Z'))).toMatchObject(
        canary('2026-11-27T06:00:00.000Z', 'c2'),
      );
      expect(await history.latestCanaryBefore(table, new Date('2026-11-26T06:00:00.000Z'))).toBeUndefined();
    });
  });
});
