import { MissingKeyExamples, missingKeysText, RestoredKeys } from '../../../lambda/checks/missing-keys';
import { FlowWorld, type Item, orderItems, scheduledEvent } from '../support/flow-world';

/**
 * Reports name example keys for every item-level failure (issue 13, section 4): an item count
 * short of the source names keys the restore lacks (within the read budget), a sample difference
 * names the keys that differ. Keys only: never other attribute values.
 */

let world: FlowWorld;

const CREATED = '2026-11-01T00:00:00.000Z';
const withTimes = (i: number): Item => ({ createdAt: { S: CREATED }, updatedAt: { S: CREATED }, secret: { S: `value-${i}` } });

function setUp(drill: { createdAtAttribute?: string; updatedAtAttribute?: string } = {}) {
  world = new FlowWorld();
  world.addSourceTable({ name: 'orders', items: orderItems(40, withTimes), drill });
  world.addRecoveryPoint({ table: 'orders', ageMinutes: 180 });
}

const check = (name: string) => world.published()[0].json.checks.find((c: { check: string }) => c.check === name);

test('tolerance count short: names the missing keys, found by a keys-only scan of the source', async () => {
  setUp();
  world.nextRestores({ mutateItems: (items) => items.filter((item) => !['ORDER#0003', 'ORDER#0017'].includes(item.pk.S ?? '')) });
  await world.invoke(scheduledEvent());
  const count = check('item count');
  expect(count.status).toBe('FAIL');
  expect(count.summary).toMatch(/missing keys, e\.g\. \{pk=ORDER#0003, sk=META\} \{pk=ORDER#0017, sk=META\}$/);
  expect(world.published()[0].email).toContain('{pk=ORDER#0003, sk=META}');
  expect(JSON.stringify(world.published()[0].json)).not.toContain('value-3');
});

test("exact count short: the keys come from the count's own scan of the source", async () => {
  setUp({ createdAtAttribute: 'createdAt' });
  world.nextRestores({ mutateItems: (items) => items.filter((item) => item.pk.S !== 'ORDER#0025') });
  await world.invoke(scheduledEvent());
  const count = check('item count');
  expect(count).toMatchObject({ status: 'FAIL', numbers: { mode: 'exact', restoredItems: 39, sourceItems: 40 } });
  expect(count.summary).toMatch(/1 missing; missing keys, e\.g\. \{pk=ORDER#0025, sk=META\}$/);
});

describe('when no key can be named, the report says why', () => {
  const schema = [{ AttributeName: 'pk', KeyType: 'HASH' as const }];
  const item = (pk: string): Item => ({ pk: { S: pk } });

  test('the search stopped (read budget or time) before finding one', () => {
    const restored = new RestoredKeys(schema);
    restored.remember(item('a'));
    const examples = new MissingKeyExamples(restored, schema);
    examples.consider(item('a'));
    expect(missingKeysText(examples, restored, true)).toBe('; no missing key found within the read budget and time');
    examples.consider(item('b'));
    expect(missingKeysText(examples, restored, true)).toBe('; missing keys, e.g. {pk=b}');
  });

  test('too many restored items to remember their keys', () => {
    const restored = new RestoredKeys(schema, 3);
    for (const pk of ['1', '2', '3']) restored.remember(item(pk));
    expect(restored.complete).toBe(true);
    restored.remember(item('4'));
    expect(restored.complete).toBe(false);
    const examples = new MissingKeyExamples(restored, schema);
    examples.consider(item('never restored'));
    expect(examples.keys).toEqual([]);
    expect(missingKeysText(examples, restored, false)).toBe('; no example keys (more than 3 restored items to remember)');
  });
});

test('sample differences name the keys that differ', async () => {
  setUp({ updatedAtAttribute: 'updatedAt' });
  world.nextRestores({
    mutateItems: (items) => items.map((item) => (item.pk.S === 'ORDER#0009' ? { ...item, total: { N: '0' } } : item)),
  });
  const engine = world.engine({ targets: { ...world.config().targets, sampleSize: 40 } });
  await world.invoke(scheduledEvent(), { engine });
  const sample = check('sample compare');
  expect(sample.status).toBe('FAIL');
  expect(sample.summary).toContain('1 differ: {pk=ORDER#0009, sk=META}');
});
