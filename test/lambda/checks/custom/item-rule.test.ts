import { itemRuleCheck } from '../../../../lambda/checks/custom/item-rule';
import type { Item } from '../../../../lambda/ports/dynamodb-port';
import { checkResult, checkWorld, runCheck } from '../check-context';
import { item } from '../in-memory-tables';

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
});
