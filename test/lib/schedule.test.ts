import { longestGapHours } from '../../lib/schedule';

describe('longestGapHours', () => {
  test.each([
    ['cron(0 6 * * ? *)', 24],
    ['cron(0 */6 * * ? *)', 6],
    ['cron(15 7 ? * MON-FRI *)', 72],
    // AWS numbers weekdays 1-7 from Sunday: 2-6 is MON-FRI, as above.
    ['cron(15 7 ? * 2-6 *)', 72],
    ['cron(0 6 ? * 1 *)', 168],
    ['cron(0/5 8-17 ? * MON-FRI *)', 63],
    // Last day of the month: the 31-day months make the longest gap.
    ['cron(0 6 L * ? *)', 31 * 24],
    // First Monday of the month: up to five weeks apart.
    ['cron(0 6 ? * 2#1 *)', 35 * 24],
    ['rate(30 minutes)', 1],
    ['rate(12 hours)', 12],
    ['rate(1 day)', 24],
  ])('%s leaves at most %i h between runs', (expression, hours) => {
    expect(longestGapHours(expression)).toBe(hours);
  });

  test('a date that comes once in four years is a gap of years, not none', () => {
    expect(longestGapHours('cron(0 6 29 FEB ? *)')).toBeGreaterThan(365 * 24);
  });

  test('January-only Mondays: the gap from the last January Monday to the next January', () => {
    expect(longestGapHours('cron(0 6 ? JAN MON *)')).toBeGreaterThan(300 * 24);
  });

  test('an expression it cannot read is an error, not a guess', () => {
    expect(() => longestGapHours('every day')).toThrow(/neither rate/);
  });
});

describe('day-of-week forms, in AWS numbering (1-7 from Sunday)', () => {
  test.each([
    // A step from an AWS day counts AWS days: MON, WED, FRI - never Sunday.
    ['cron(0 6 ? * 2/2 *)', 72],
    ['cron(0 6 ? * MON/2 *)', 72],
    ['cron(0 6 ? * 2/3 *)', 96], // MON, THU: Thu -> Mon is the longest gap
    ['cron(0 6 ? * */2 *)', 48], // SUN, TUE, THU, SAT: Sat -> Sun 24 h, Thu -> Sat 48 h
    ['cron(0 6 ? * 2-6/2 *)', 72],
    ['cron(0 6 ? * 1,7 *)', 144], // weekends: Sun -> Sat
    ['cron(0 6 ? * L *)', 168], // a lone L: the last day of the week, Saturday
    ['cron(0 6 ? * FRI-MON *)', 96], // a range that wraps past Saturday: Mon -> Fri
    ['cron(0 6 ? * SUN-SAT *)', 24],
  ])('%s leaves at most %i h between runs', (expression, hours) => {
    expect(longestGapHours(expression)).toBe(hours);
  });

  test('a year other than "*" ends the schedule: refused, not read as every year', () => {
    expect(() => longestGapHours('cron(0 6 * * ? 2020)')).toThrow(/year field "2020" ends the schedule/);
  });

  test('a day that is not one is an error', () => {
    expect(() => longestGapHours('cron(0 6 ? * 8 *)')).toThrow(/not a day of the week/);
  });
});
