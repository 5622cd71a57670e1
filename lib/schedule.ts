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
 * Cron expressions are evaluated at hour resolution (every run in an hour counts as the hour's
 * first minute, which can only lengthen a gap), so the result is an upper bound except for the
 * `W` (nearest weekday) form, see {@link hourResolutionDayOfMonth}. Expressions are EventBridge /
 * AWS Backup schedules, already validated for shape: `rate(n unit)` or
 * `cron(min hour day-of-month month day-of-week year)` in UTC.
 *
 * @throws Error when the expression cannot be evaluated, or its year field is not `*` (a schedule
 *   that ends leaves an endless gap); the message says why.
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
  const [, hours, dayOfMonth, month, dayOfWeek, year] = cron[1].trim().split(/\s+/);
  if (year !== undefined && year !== '*') throw new Error(`the year field "${year}" ends the schedule; use "*"`);
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

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** An AWS day of the week (1-7 from Sunday, or its name) as a number 1-7. */
function awsDay(token: string): number {
  const named = DAY_NAMES.indexOf(token.toUpperCase());
  const day = named >= 0 ? named + 1 : Number(token);
  if (!Number.isInteger(day) || day < 1 || day > 7) throw new Error(`"${token}" is not a day of the week`);
  return day;
}

/**
 * The day-of-week field in cron-parser's terms. AWS numbers days 1-7 from Sunday, cron-parser
 * 0-6, so ranges and steps are expanded here into explicit 0-6 lists (a step that starts on an
 * AWS day must count AWS days: `2/2` is MON,WED,FRI, never Sunday), a range may wrap past
 * Saturday (`FRI-MON`), a lone `L` is the last day of the week (Saturday), and `nL` (last n-day
 * of the month) and `n#k` (k-th n-day) keep their form with n moved.
 */
function toZeroBasedDayOfWeek(field: string): string {
  if (field === '?' || field === '*') return field;
  return field
    .split(',')
    .map((item) => {
      if (item.toUpperCase() === 'L') return '6';
      const last = /^(\w+)L$/i.exec(item);
      if (last) return `${awsDay(last[1]) - 1}L`;
      const nth = /^(\w+)#([1-5])$/.exec(item);
      if (nth) return `${awsDay(nth[1]) - 1}#${nth[2]}`;
      const stepped = /^(\*|\w+)(?:-(\w+))?(?:\/(\d+))?$/.exec(item);
      if (!stepped) throw new Error(`"${item}" is not a day-of-week item`);
      const [, from, to, step] = stepped;
      const first = from === '*' ? 1 : awsDay(from);
      const end = to !== undefined ? awsDay(to) : from === '*' || step !== undefined ? 7 : first;
      const span = ((end - first + 7) % 7) + 1; // days from first to end, wrapping past Saturday
      const every = step === undefined ? 1 : Number(step);
      if (every < 1) throw new Error(`"${item}" has a step of 0`);
      const days: number[] = [];
      for (let offset = 0; offset < span; offset += every) days.push(((first - 1 + offset) % 7) + 1);
      return days.map((day) => day - 1).join(',');
    })
    .join(',');
}

/**
 * cron-parser has no 'W' (nearest weekday). `15W` runs once a month within two days of the
 * 15th, so reading it as `15` can be off by up to two days either way; every such schedule is
 * month-long and far beyond the limits callers compare with (days), so none is let through.
 */
function hourResolutionDayOfMonth(field: string): string {
  return field.replace(/^LW$/, 'L').replace(/(\d+)W/g, '$1');
}
