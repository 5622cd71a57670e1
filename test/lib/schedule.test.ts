import { longestGapHours, oldestUsableBackup, shortestGapMinutes } from '../../lib/schedule';

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

describe('shortestGapMinutes', () => {
  test.each([
    ['cron(0 6 * * ? *)', 1440],
    ['cron(0,30 6 * * ? *)', 30],
    ['cron(0/15 * * * ? *)', 15],
    ['cron(0 * * * ? *)', 60],
    // Runs at 23:00 and 00:00: the closest two are on either side of midnight.
    ['cron(0 0,23 * * ? *)', 60],
    ['cron(59 5 * * ? *)', 1440],
    ['rate(30 minutes)', 30],
    ['rate(1 hour)', 60],
  ])('%s runs at least %i minutes apart', (expression, minutes) => {
    expect(shortestGapMinutes(expression)).toBe(minutes);
  });
});

describe('oldestUsableBackup: the newest backup whose start and completion windows have closed', () => {
  const daily = 'cron(0 3 * * ? *)';

  test('defaults: a 3-hour window closes at the 06:00 drill, which restores the 03:00 backup (3 h old)', () => {
    const worst = oldestUsableBackup('cron(0 6 * * ? *)', daily, 180);
    expect(worst.ageMinutes).toBe(180);
    expect(worst.drillAt?.toISOString()).toMatch(/T06:00:00/);
    expect(worst.backupAt.toISOString()).toMatch(/T03:00:00/);
  });

  test("AWS Backup's default 8-hour start window: the 06:00 drill can only count on yesterday's backup, 27 h old", () => {
    const worst = oldestUsableBackup('cron(0 6 * * ? *)', daily, 8 * 60 + 120);
    expect(worst.ageMinutes).toBe(27 * 60);
    expect(worst.nextBackupClosesAt.toISOString()).toMatch(/T13:00:00/);
  });

  test('a drill one minute before the window closes uses the day before', () => {
    expect(oldestUsableBackup('cron(59 5 * * ? *)', daily, 180).ageMinutes).toBe(26 * 60 + 59);
  });

  test('weekday backups, daily drills: Sunday 06:00 restores Friday 03:00 (51 h)', () => {
    expect(oldestUsableBackup('cron(0 6 * * ? *)', 'cron(0 3 ? * MON-FRI *)', 180).ageMinutes).toBe(51 * 60);
  });

  test('a rate schedule can run at any time: longest backup gap plus the window', () => {
    const worst = oldestUsableBackup('rate(1 day)', daily, 180);
    expect(worst.ageMinutes).toBe(24 * 60 + 180);
    expect(worst.drillAt).toBeUndefined();
  });

  test('hourly backups: the newest finished one is at most the window plus the minute offset old', () => {
    expect(oldestUsableBackup('cron(30 6 * * ? *)', 'cron(0 * * * ? *)', 180).ageMinutes).toBe(210);
  });
});
