import { CronExpressionParser } from 'cron-parser';

const HOUR_MS = 3_600_000;
/**
 * Two years, a leap year first, and a week more: every month length, weekday pattern and the
 * turn of a year occur in it, so a gap that recurs yearly is seen whole.
 */
const SIMULATION_START = Date.UTC(2024, 0, 1);
const SIMULATION_END = Date.UTC(2026, 0, 8);
const computed = new Map<string, number>();

/**
 * The longest time, in whole hours, a schedule can leave between two runs.
 *
 * The result is an upper bound: cron expressions are evaluated at hour resolution (every run in an
 * hour counts as the hour's first minute, which can only lengthen a gap), and a year field other
 * than `*` is read as `*`. Expressions are EventBridge / AWS Backup schedules, already validated
 * for shape: `rate(n unit)` or `cron(min hour day-of-month month day-of-week year)` in UTC.
 *
 * @throws Error when the expression cannot be evaluated (the message says why).
 */
export function longestGapHours(expression: string): number {
  let hours = computed.get(expression);
  if (hours === undefined) {
    hours = compute(expression);
    computed.set(expression, hours);
  }
  return hours;
}

function compute(expression: string): number {
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (rate) {
    const minutes = Number(rate[1]) * { minute: 1, hour: 60, day: 1440 }[rate[2] as 'minute' | 'hour' | 'day'];
    return Math.ceil(minutes / 60);
  }
  const cron = /^cron\(([^()]+)\)$/.exec(expression);
  if (!cron) throw new Error(`"${expression}" is neither rate(...) nor cron(...)`);
  const [, hours, dayOfMonth, month, dayOfWeek] = cron[1].trim().split(/\s+/);
  const runs = CronExpressionParser.parse(
    ['0', '0', hours, hourResolutionDayOfMonth(dayOfMonth), month, toZeroBasedDayOfWeek(dayOfWeek)].join(' '),
    { currentDate: new Date(SIMULATION_START - 1), endDate: new Date(SIMULATION_END), tz: 'UTC' },
  );
  // The stretches before the first and after the last simulated run are parts of real gaps, so
  // they count too (a once-in-four-years date is a gap of years, not none).
  let previous = SIMULATION_START;
  let longest = 0;
  while (runs.hasNext()) {
    const at = runs.next().getTime();
    longest = Math.max(longest, at - previous);
    previous = at;
  }
  longest = Math.max(longest, SIMULATION_END - previous);
  return Math.ceil(longest / HOUR_MS);
}

/**
 * AWS numbers days of the week 1-7 from Sunday; cron-parser 0-6. Only day numbers move: those at
 * the start of a list item or after a range dash (not a step after '/' nor an nth after '#').
 */
function toZeroBasedDayOfWeek(field: string): string {
  return field.replace(/(^|[,-])([1-7])(?=$|[,\-/#L])/g, (_match, lead: string, day: string) => `${lead}${Number(day) - 1}`);
}

/**
 * cron-parser has no 'W' (nearest weekday). `15W` runs within two days of the 15th once a month,
 * so reading it as `15` changes a month-long gap by at most two days: enough for an upper bound
 * that callers compare with a limit of days.
 */
function hourResolutionDayOfMonth(field: string): string {
  return field.replace(/^LW$/, 'L').replace(/(\d+)W/g, '$1');
}
