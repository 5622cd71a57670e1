import type { CheckRun } from '../../../../lambda/checks/check';
import { itemRuleCheck } from '../../../../lambda/checks/custom/item-rule';
import type { Json } from '../../../../lambda/fanout/contract';
import type { Item } from '../../../../lambda/ports/dynamodb-port';
import { type CheckContextOptions, checkResult, checkWorld, runCheck } from '../check-context';
import { item } from '../in-memory-tables';
import { partialViaJson, runOverShare } from '../split-shares';

/** Every order's total is a positive number. */
const positiveTotals = itemRuleCheck({
  name: 'positive-totals',
  description: 'every order total is positive',
  appliesTo: (found) => found.type?.S === 'order',
  check: (found) =>
    found.total?.N === undefined ? 'without a total' : Number(found.total.N) > 0 ? undefined : 'with a total of zero or less',
  nextStep: 'totals came back wrong: compare these orders with the source',
});
const order = (n: number, total?: string): Item =>
  item(n, { type: { S: 'order' }, ...(total === undefined ? {} : { total: { N: total } }) });
const note = (n: number): Item => item(n, { type: { S: 'note' } });

describe('itemRuleCheck: a rule every restored item it applies to must satisfy', () => {
  test('a custom check on the restored copy, under the rule name', () => {
    expect(positiveTotals).toMatchObject({ name: 'positive-totals', needs: 'restored-table' });
  });

  test('PASS: every item it applies to keeps the rule, counted', async () => {
    expect(await checkResult(positiveTotals, { restoredItems: [order(1, '5'), order(2, '0.01'), note(3)] })).toEqual({
      check: 'positive-totals',
      status: 'PASS',
      summary: '2 items: every order total is positive',
      numbers: { checked: 2, broken: 0 },
    });
  });

  test('without appliesTo the rule applies to every item', async () => {
    const everyItem = itemRuleCheck({
      name: 'has-pk',
      description: 'd',
      check: (found) => (found.pk ? undefined : 'without pk'),
      nextStep: 'n',
    });
    expect(await checkResult(everyItem, { restoredItems: [order(1), note(2)] })).toMatchObject({ status: 'PASS', numbers: { checked: 2 } });
  });

  test('FAIL: the offenders counted by reason and named by key, with the rule’s next step', async () => {
    const result = await checkResult(positiveTotals, { restoredItems: [order(1, '5'), order(2, '0'), order(3), order(4, '-1'), note(5)] });
    expect(result).toEqual({
      check: 'positive-totals',
      status: 'FAIL',
      summary:
        '3 of 4 items break the rule (2 with a total of zero or less, 1 without a total): {pk=ITEM#2, sk=META} {pk=ITEM#3, sk=META} {pk=ITEM#4, sk=META}',
      nextStep: 'totals came back wrong: compare these orders with the source',
      numbers: { checked: 4, broken: 3 },
    });
  });

  test('names the five smallest offending keys, whatever the scan order, and counts the rest', async () => {
    const orders = Array.from({ length: 25 }, (_, i) => order(i + 1, '0'));
    const result = await checkResult(positiveTotals, { restoredItems: orders });
    expect(result.numbers).toEqual({ checked: 25, broken: 25 });
    expect(result.summary).toMatch(
      /^25 of 25 items break the rule \(25 with a total of zero or less\): \{pk=ITEM#1, sk=META\} \{pk=ITEM#10, sk=META\} \{pk=ITEM#11, sk=META\} \{pk=ITEM#12, sk=META\} \{pk=ITEM#13, sk=META\} and 20 more$/,
    );
  });

  test('without a restored copy it names offenders by no key', async () => {
    const run = positiveTotals.begin(checkWorld({ restored: 'missing' }).context)!;
    run.observeItem?.(order(1, '0'));
    expect((await run.result()).summary).toBe('1 of 1 items break the rule (1 with a total of zero or less): {}');
  });

  test('sees only the items of the shared scan: none, a PASS of nothing', async () => {
    expect(await runCheck(positiveTotals, checkWorld({ restoredItems: [] }))).toMatchObject({
      status: 'PASS',
      numbers: { checked: 0, broken: 0 },
    });
  });

  test('names the offending keys smallest first, whatever the scan order', async () => {
    const result = await checkResult(positiveTotals, { restoredItems: [order(4, '0'), order(2), order(3, '0'), note(1), order(1, '0')] });
    expect(result.numbers).toEqual({ checked: 4, broken: 4 });
    expect(result.summary).toMatch(/: \{pk=ITEM#1, sk=META\} \{pk=ITEM#2, sk=META\} \{pk=ITEM#3, sk=META\} \{pk=ITEM#4, sk=META\}$/);
  });

  test('keeps the five smallest offending keys when they come last in the scan', async () => {
    const orders = [9, 8, 7, 6, 5, 4, 3, 2, 1].map((n) => order(n, '0'));
    const result = await checkResult(positiveTotals, { restoredItems: orders });
    expect(result.summary).toMatch(
      /: \{pk=ITEM#1, sk=META\} \{pk=ITEM#2, sk=META\} \{pk=ITEM#3, sk=META\} \{pk=ITEM#4, sk=META\} \{pk=ITEM#5, sk=META\} and 4 more$/,
    );
  });
});

describe('itemRuleCheck split across fan-out workers: partials merge to the result of one run', () => {
  /** A run begun on the drill's context that has observed `items`, as one worker's share. */
  const runOver = (items: readonly Item[], options: CheckContextOptions = {}): CheckRun =>
    runOverShare(positiveTotals, checkWorld(options).context, items);
  const byPk = (keys: readonly Json[]) => [...keys].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

  const items = [
    order(3, '5'),
    order(12, '0'),
    note(20),
    order(7),
    order(1, '-2'),
    order(9, '1'),
    order(4, '0'),
    order(15),
    order(2, '0'),
    order(11, '3'),
    order(8, '0'),
  ];

  test('a partial holds the items checked, the offenders counted by reason, and the five smallest offending keys', () => {
    expect(partialViaJson(runOver(items))).toEqual({
      checked: 10,
      reasons: { 'with a total of zero or less': 5, 'without a total': 2 },
      offenders: expect.any(Array),
    });
    expect(byPk((partialViaJson(runOver(items)) as { offenders: Json[] }).offenders)).toEqual(
      [1, 12, 15, 2, 4].map((n) => ({ pk: { S: `ITEM#${n}` }, sk: { S: 'META' } })),
    );
  });

  test('a partial of nothing observed', () => {
    expect(partialViaJson(runOver([]))).toEqual({ checked: 0, reasons: {}, offenders: [] });
  });

  test.each([
    ['two shares', [items.slice(0, 5), items.slice(5)]],
    ['three shares, the last one first', [items.slice(8), items.slice(0, 4), items.slice(4, 8)]],
    ['two shares, the first beginning with an order without a total', [items.slice(3), items.slice(0, 3)]],
    ['one share each', items.map((found) => [found])],
    ['every item in one share, the others empty', [[], items, []]],
  ])('FAIL, as one run over every item: %s', async (_case, shares) => {
    const [first, ...others] = shares.map((share) => runOver(share));
    for (const other of others) first.absorb!(partialViaJson(other));
    const whole = await runOver(items).result();
    expect(whole).toMatchObject({ status: 'FAIL', numbers: { checked: 10, broken: 7 } });
    expect(whole.summary).toMatch(/\{pk=ITEM#1, sk=META\} \{pk=ITEM#12, sk=META\} \{pk=ITEM#15, sk=META\} \{pk=ITEM#2, sk=META\}/);
    expect(await first.result()).toEqual(whole);
  });

  test('partials of partials merge the same: a worker absorbs, then hands its partial on', async () => {
    const [a, b, c] = [runOver(items.slice(0, 3)), runOver(items.slice(3, 7)), runOver(items.slice(7))];
    b.absorb!(partialViaJson(c));
    a.absorb!(partialViaJson(b));
    expect(await a.result()).toEqual(await runOver(items).result());
  });

  test('PASS when every share passes, the items checked added up', async () => {
    const run = runOver([order(1, '1'), note(2)]);
    run.absorb!(partialViaJson(runOver([order(3, '2'), order(4, '3')])));
    run.absorb!(partialViaJson(runOver([])));
    expect(await run.result()).toEqual({
      check: 'positive-totals',
      status: 'PASS',
      summary: '3 items: every order total is positive',
      numbers: { checked: 3, broken: 0 },
    });
  });

  test('an offender seen only in an absorbed partial is named, binary keys included', async () => {
    const binaryKeys: CheckContextOptions = { restored: { keySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] } };
    const binaryOrder = (bytes: number[], total: string): Item => ({
      id: { B: Uint8Array.from(bytes) },
      type: { S: 'order' },
      total: { N: total },
    });
    const run = runOver([binaryOrder([9], '1')], binaryKeys);
    const other = runOver([binaryOrder([1, 2, 3], '0')], binaryKeys);
    expect(partialViaJson(other)).toMatchObject({ offenders: [{ id: { B: 'AQID' } }] });
    run.absorb!(partialViaJson(other));
    const result = await run.result();
    expect(result).toMatchObject({ status: 'FAIL', numbers: { checked: 2, broken: 1 } });
    expect(result.summary).toMatch(/: \{id=<3 bytes>\}$/);
  });
});
