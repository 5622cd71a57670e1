import { type CheckRun, observesItems, resultOnly, splittable } from '../../../lambda/checks/check';
import { BUILT_IN_CHECKS } from '../../../lambda/checks/registry';

describe('the check contract', () => {
  test('resultOnly: a run that only computes its result, sync or async, and reports a throw as a rejection', async () => {
    const pass = { check: 'x', status: 'PASS' as const, summary: 's' };
    expect(await resultOnly(() => pass).result()).toBe(pass);
    expect(await resultOnly(async () => pass).result()).toBe(pass);
    const run = resultOnly(() => {
      throw new Error('boom');
    });
    expect(run.observeItem).toBeUndefined();
    await expect(run.result()).rejects.toThrow('boom');
  });

  test('the built-in checks, in report order: restored first, which the others need', () => {
    expect(BUILT_IN_CHECKS.map((check) => check.name)).toEqual(['restored', 'RPO', 'RTO', 'schema', 'item count']);
  });

  test('observesItems: a run with any one of the three observe methods, and none without', () => {
    const result = async () => ({ check: 'x', status: 'PASS' as const, summary: 's' });
    const observe = () => undefined;
    expect(observesItems({ result })).toBe(false);
    expect(observesItems({ result, observeItem: observe })).toBe(true);
    expect(observesItems({ result, observeScannedItem: observe })).toBe(true);
    expect(observesItems({ result, observeDrillItem: observe })).toBe(true);
  });

  test('splittable: a run with both partial and absorb, not one alone', () => {
    const run: CheckRun = { result: async () => ({ check: 'x', status: 'PASS', summary: 's' }) };
    const partial = () => null;
    const absorb = () => undefined;
    expect(splittable({ ...run, partial, absorb })).toBe(true);
    expect(splittable({ ...run, partial })).toBe(false);
    expect(splittable({ ...run, absorb })).toBe(false);
    expect(splittable(run)).toBe(false);
  });
});
