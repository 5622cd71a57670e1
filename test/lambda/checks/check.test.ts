import { resultOnly } from '../../../lambda/checks/check';
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
});
