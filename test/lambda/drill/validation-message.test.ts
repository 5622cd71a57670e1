import type { CheckResult } from '../../../lambda/domain/check-result';
import { VALIDATION_MESSAGE_LIMIT, validationMessage } from '../../../lambda/drill/restore-test';

/**
 * The ValidationStatusMessage told to AWS Backup with a restore test's result, shown with the job
 * in its console: its wording is the contract. One printable line, at most VALIDATION_MESSAGE_LIMIT
 * characters: the verdict and what passed, warned or failed.
 */

const check = (name: string, status: CheckResult['status']): CheckResult => ({ check: name, status, summary: `${name} summary` });

describe('validationMessage', () => {
  test('PASS: the checks that passed, comma-separated; warnings only when there are some', () => {
    const passed = [check('restored', 'PASS'), check('RPO', 'PASS'), check('item count', 'PASS')];
    expect(validationMessage('PASS', passed, undefined)).toBe('restore-drill PASS: restored, RPO, item count passed');
    expect(validationMessage('PASS', [...passed, check('canary', 'WARN'), check('timestamps', 'WARN')], undefined)).toBe(
      'restore-drill PASS: restored, RPO, item count passed; warnings: canary, timestamps',
    );
  });

  test('FAIL: the failure when there is one, else the failed checks, else a pointer to the report', () => {
    const checks = [check('restored', 'PASS'), check('item count', 'FAIL'), check('schema', 'FAIL')];
    expect(validationMessage('FAIL', checks, 'restore: the job FAILED')).toBe('restore-drill FAIL: restore: the job FAILED');
    expect(validationMessage('FAIL', checks, undefined)).toBe('restore-drill FAIL: item count, schema');
    expect(validationMessage('FAIL', [check('restored', 'PASS')], undefined)).toBe('restore-drill FAIL: see the report');
  });

  test('one line: runs of white space are one space, the ends trimmed, anything not printable ASCII a "?"', () => {
    expect(validationMessage('FAIL', [], 'schema:\n\t  key  changed — café \n')).toBe('restore-drill FAIL: schema: key changed ? caf?');
  });

  test('exactly at the limit the line is kept whole; one over, it is cut to the limit with "..."', () => {
    const prefix = 'restore-drill FAIL: ';
    const atLimit = `${prefix}${'y'.repeat(VALIDATION_MESSAGE_LIMIT - prefix.length)}`;
    expect(validationMessage('FAIL', [], atLimit.slice(prefix.length))).toBe(atLimit);
    const over = validationMessage('FAIL', [], `${'y'.repeat(VALIDATION_MESSAGE_LIMIT - prefix.length)}z`);
    expect(over).toBe(`${atLimit.slice(0, VALIDATION_MESSAGE_LIMIT - 3)}...`);
    expect(over).toHaveLength(VALIDATION_MESSAGE_LIMIT);
  });
});
