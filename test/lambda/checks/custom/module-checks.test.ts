import type { CheckDefinition } from '../../../../lambda/checks/check';
import { itemRuleCheck } from '../../../../lambda/checks/custom/item-rule';
import { checkDefinitionProblem, checksByName, checksOfModule, isCheckDefinition } from '../../../../lambda/checks/custom/module-checks';
import { polygonClosesCheck } from '../../../../lambda/checks/custom/polygon-closes';

/** A check as a user's module exports one: the least the engine needs. */
const check = (name: string, needs: CheckDefinition['needs'] = 'restored-table'): CheckDefinition => ({
  name,
  needs,
  begin: () => undefined,
});
const ruleCheck = itemRuleCheck({ name: 'has-pk', description: 'd', check: () => undefined, nextStep: 'n' });
/** A function carries a string `name`: with `needs` and `begin` it still is no check object. */
const checkShapedFunction = Object.assign(() => undefined, { needs: 'restored-table', begin: () => undefined });

describe('isCheckDefinition: whether a module export is a check', () => {
  test.each([
    ['a check on the restored copy', check('a', 'restored-table')],
    ['a check on the recovery point', check('a', 'recovery-point')],
    ['an itemRuleCheck', ruleCheck],
  ])('yes: %s', (_case, value) => {
    expect(isCheckDefinition(value)).toBe(true);
  });

  test.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'polygon-closes'],
    ['a function shaped like a check', checkShapedFunction],
    ['an array of checks', [check('a')]],
    ['a name that is not a string', { ...check('a'), name: 7 }],
    ['no name', { needs: 'restored-table', begin: () => undefined }],
    ['another `needs`', { ...check('a'), needs: 'source-table' }],
    ['no `needs`', { name: 'a', begin: () => undefined }],
    ['a `begin` that is not a function', { ...check('a'), begin: 'run' }],
    ['no `begin`', { name: 'a', needs: 'restored-table' }],
  ])('no: %s', (_case, value) => {
    expect(isCheckDefinition(value)).toBe(false);
  });
});

describe('checkDefinitionProblem: what is wrong with an export meant as a check, told to its author', () => {
  test.each([
    ['a check on the restored copy', check('orders.totals:v2_1-a', 'restored-table')],
    ['a check on the recovery point', check('a', 'recovery-point')],
    ['a name of 64 characters', check('n'.repeat(64))],
  ])('none: %s', (_case, value) => {
    expect(checkDefinitionProblem(value)).toBeUndefined();
  });

  test.each([
    ['null', null, 'is null, not a check'],
    ['undefined', undefined, 'is undefined, not a check'],
    ['a number', 7, 'is number, not a check'],
    ['a string', 'polygon-closes', 'is string, not a check'],
    ['a function shaped like a check', checkShapedFunction, 'is function, not a check'],
    ['a name that is not a string', { ...check('a'), name: 7 }, 'has no string `name`'],
    ['no name', { needs: 'restored-table', begin: () => undefined }, 'has no string `name`'],
    ['an empty name', check(''), 'is named "": a name is 1-64 letters, digits, . _ : -'],
    ['a name of 65 characters', check('n'.repeat(65)), `is named "${'n'.repeat(65)}": a name is 1-64 letters, digits, . _ : -`],
    ['a name with a space', check('my check'), 'is named "my check": a name is 1-64 letters, digits, . _ : -'],
    [
      'another `needs`',
      { ...check('a'), needs: 'source-table' },
      `("a") has \`needs\` "source-table", not 'recovery-point' or 'restored-table'`,
    ],
    ['no `needs`', { name: 'a', begin: () => undefined }, `("a") has \`needs\` undefined, not 'recovery-point' or 'restored-table'`],
    ['a `begin` that is not a function', { ...check('a'), begin: 'run' }, '("a") has no `begin` function'],
    ['no `begin`', { name: 'a', needs: 'recovery-point' }, '("a") has no `begin` function'],
  ])('%s', (_case, value, problem) => {
    expect(checkDefinitionProblem(value)).toBe(problem);
  });
});

describe('checksOfModule: the checks a module exports, or why it is refused', () => {
  test('one check as the default export', () => {
    expect(checksOfModule({ default: ruleCheck })).toEqual([ruleCheck]);
  });

  test('an array of checks as the default export, in order; named exports beside it are not read', () => {
    const [first, second] = [check('first'), check('second', 'recovery-point')];
    expect(checksOfModule({ default: [first, second], other: check('other') })).toEqual([first, second]);
  });

  test('an empty array as the default export: no checks', () => {
    expect(checksOfModule({ default: [] })).toEqual([]);
  });

  test('without a default export: every check exported by name, the other exports left alone', () => {
    const [first, second] = [check('first'), check('second')];
    expect(checksOfModule({ first, helper: (n: number) => n + 1, LIMIT: 5, second, label: 'x', nothing: null })).toEqual([first, second]);
  });

  test.each([
    ['a string', 'polygon-closes', 'its default export is string, not a check'],
    ['null', null, 'its default export is null, not a check'],
    ['a check without begin', { name: 'a', needs: 'restored-table' }, 'its default export ("a") has no `begin` function'],
    ['an array holding the checks array', [[check('a')]], 'its default export[0] has no string `name`'],
    ['an array with a bad second check', [check('a'), check('b', 'x' as never)], 'its default export[1] ("b") has `needs` "x"'],
    ['an array with a badly named check', [check('bad name')], 'its default export[0] is named "bad name"'],
  ])('refused: a default export that is %s, saying which', (_case, fromDefault, reason) => {
    expect(() => checksOfModule({ default: fromDefault, named: check('named') })).toThrow(reason);
  });

  test('refused: a named export that is a check but for its name', () => {
    expect(() => checksOfModule({ fine: check('fine'), wrong: check('my check') })).toThrow(
      'its export is named "my check": a name is 1-64 letters, digits, . _ : -',
    );
  });

  test.each([
    ['nothing', {}],
    ['no check', { helper: () => undefined, LIMIT: 5 }],
    ['only things that are almost checks', { noBegin: { name: 'a', needs: 'restored-table' }, fn: checkShapedFunction }],
  ])('refused: a module that exports %s', (_case, moduleExports) => {
    expect(() => checksOfModule(moduleExports)).toThrow(
      'it exports no check: export a CheckDefinition (e.g. `export default itemRuleCheck({...})` from "restore-drill/checks") as default or by name',
    );
  });
});

describe('checksByName: the registered checks and the modules’ checks by name, each name once', () => {
  const registered = { [polygonClosesCheck.name]: polygonClosesCheck };

  test('the registered checks, then the added ones', () => {
    const [first, second] = [check('first'), check('second')];
    expect(checksByName(registered, [first, second])).toEqual({ 'polygon-closes': polygonClosesCheck, first, second });
  });

  test('nothing added: the registered checks, in a new record', () => {
    const byName = checksByName(registered, []);
    expect(byName).toEqual(registered);
    expect(byName).not.toBe(registered);
  });

  test('the same check given twice (a module read twice, or the built-in one re-exported) counts once', () => {
    const first = check('first');
    expect(checksByName(registered, [first, polygonClosesCheck, first])).toEqual({ 'polygon-closes': polygonClosesCheck, first });
  });

  test('refused: a module check named as a registered one', () => {
    expect(() => checksByName(registered, [check('polygon-closes')])).toThrow('two custom checks are named "polygon-closes"');
  });

  test('refused: two module checks of one name', () => {
    expect(() => checksByName(registered, [check('totals'), check('first'), check('totals', 'recovery-point')])).toThrow(
      'two custom checks are named "totals"',
    );
  });
});
