import { CronExpressionParser } from 'cron-parser';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/**
 * Two years, a leap year first, and a week more: every month length, weekday pattern and the
 * turn of a year occur in it, so a gap that recurs yearly is seen whole.
 */
const SIMULATION_START = Date.UTC(2024, 0, 1);
const SIMULATION_END = Date.UTC(2026, 0, 8);
/**
 * How far before the first simulated drill backups are simulated too, so the first drills find
 * the backups before them: longer than the longest backup gap plus backup window settings allow.
 */
const BACKUP_LOOKBACK_MS = 100 * DAY_MS;
const computed = new Map<string, number>();
const minuteRuns = new Map<string, readonly number[]>();

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
  const rate = rateMinutes(expression);
  if (rate !== undefined) return Math.ceil(rate / 60);
  // The stretches before the first and after the last simulated run are parts of real gaps, so
  // they count too (a once-in-four-years date is a gap of years, not none).
  let previous = SIMULATION_START;
  let longest = 0;
  for (const at of cronRuns(expression, SIMULATION_START, SIMULATION_END, 'hour')) {
    longest = Math.max(longest, at - previous);
    previous = at;
  }
  longest = Math.max(longest, SIMULATION_END - previous);
  return Math.ceil(longest / HOUR_MS);
}

/**
 * The shortest time, in minutes, between two runs of a schedule: a rate's interval, or the
 * closest two runs of a cron expression (at minute resolution, over the simulated years).
 *
 * @throws Error as {@link longestGapHours}.
 */
export function shortestGapMinutes(expression: string): number {
  const rate = rateMinutes(expression);
  if (rate !== undefined) return rate;
  const runs = runsAtMinutes(expression);
  let shortest = Number.POSITIVE_INFINITY;
  for (let i = 1; i < runs.length; i++) shortest = Math.min(shortest, runs[i] - runs[i - 1]);
  return shortest / MINUTE_MS;
}

/** The worst case of {@link oldestUsableBackup}: how old, and when. */
export interface OldestUsableBackup {
  /** Age of the backup at the drill, in minutes, counted from the backup's scheduled time. */
  readonly ageMinutes: number;
  /** When that drill runs (absent for a rate schedule, which can run at any time). */
  readonly drillAt?: Date;
  /** The scheduled time of the newest backup whose windows had closed by then. */
  readonly backupAt: Date;
  /** When the next backup's windows close: the drill runs before this. */
  readonly nextBackupClosesAt: Date;
}

/**
 * Across every run of the drill schedule, the oldest that the newest *finished* backup can be.
 *
 * A backup scheduled at `s` has finished for sure only at `s + backupWindowMinutes` (its start
 * and completion windows; AWS Backup cancels a job that overruns them). A drill at `t` can
 * therefore count only on the newest backup with `s + window <= t`, and its recovery point is at
 * most `t - s` old (its creation time is at or after `s`). Cron schedules are simulated minute by
 * minute over the simulated years. A rate schedule starts when its rule is created, so it can run
 * at any time: its worst case is the longest gap between backups plus the window.
 *
 * @throws Error as {@link longestGapHours}.
 */
export function oldestUsableBackup(drillSchedule: string, backupSchedule: string, backupWindowMinutes: number): OldestUsableBackup {
  const window = backupWindowMinutes * MINUTE_MS;
  const backups = runsAtMinutes(backupSchedule);
  const worst = { age: -1, drillAt: undefined as number | undefined, backupAt: 0, closesAt: 0 };
  if (rateMinutes(drillSchedule) !== undefined) {
    // Just before the next backup's windows close, the newest finished one is the previous backup.
    for (let i = 1; i < backups.length; i++) {
      const age = backups[i] + window - backups[i - 1];
      if (backups[i] + window > SIMULATION_START && age > worst.age)
        Object.assign(worst, { age, backupAt: backups[i - 1], closesAt: backups[i] + window });
    }
  } else {
    let next = 0; // index of the first backup not yet finished at the drill
    for (const drillAt of runsAtMinutes(drillSchedule)) {
      if (drillAt < SIMULATION_START) continue;
      while (next < backups.length && backups[next] + window <= drillAt) next++;
      if (next === 0)
        throw new Error(`no backup of "${backupSchedule}" finishes within ${BACKUP_LOOKBACK_MS / DAY_MS} days before a drill`);
      const age = drillAt - backups[next - 1];
      const closesAt = next < backups.length ? backups[next] + window : Number.POSITIVE_INFINITY;
      if (age > worst.age) Object.assign(worst, { age, drillAt, backupAt: backups[next - 1], closesAt });
    }
  }
  return {
    ageMinutes: worst.age / MINUTE_MS,
    ...(worst.drillAt !== undefined && { drillAt: new Date(worst.drillAt) }),
    backupAt: new Date(worst.backupAt),
    nextBackupClosesAt: new Date(worst.closesAt),
  };
}

function rateMinutes(expression: string): number | undefined {
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  return rate ? Number(rate[1]) * { minute: 1, hour: 60, day: 1440 }[rate[2] as 'minute' | 'hour' | 'day'] : undefined;
}

/** Minute-resolution runs of a cron expression, backups' lookback included; cached. */
function runsAtMinutes(expression: string): readonly number[] {
  let runs = minuteRuns.get(expression);
  if (runs === undefined) {
    runs = [...cronRuns(expression, SIMULATION_START - BACKUP_LOOKBACK_MS, SIMULATION_END, 'minute')];
    minuteRuns.set(expression, runs);
  }
  return runs;
}

/**
 * The runs of a cron expression in [from, to], ascending, in ms since the epoch.
 *
 * Each day is matched with cron-parser's day fields (a day matches or not whatever the time), the
 * times of day are the product of the hour and minute fields: the same runs as stepping
 * cron-parser run by run, in a fraction of the time (an hourly schedule has 18,000 runs in the
 * simulated years, at ~60 us a step). At hour resolution every run in an hour is its first minute.
 */
function* cronRuns(expression: string, from: number, to: number, resolution: 'minute' | 'hour'): Generator<number> {
  const cron = /^cron\(([^()]+)\)$/.exec(expression);
  if (!cron) throw new Error(`"${expression}" is neither rate(...) nor cron(...)`);
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = cron[1].trim().split(/\s+/);
  if (year !== undefined && year !== '*') throw new Error(`the year field "${year}" ends the schedule; use "*"`);
  const dayFields = [hourResolutionDayOfMonth(dayOfMonth), month, toZeroBasedDayOfWeek(dayOfWeek)];
  const { fields } = CronExpressionParser.parse(['0', resolution === 'hour' ? '0' : minutes, hours, ...dayFields].join(' '), { tz: 'UTC' });
  const times = fields.hour.values.flatMap((hour) =>
    fields.minute.values.map((minute) => Number(hour) * HOUR_MS + Number(minute) * MINUTE_MS),
  );
  times.sort((a, b) => a - b);
  const days = CronExpressionParser.parse(['0', '0', '0', ...dayFields].join(' '), { tz: 'UTC' });
  for (let day = Math.floor(from / DAY_MS) * DAY_MS; day <= to; day += DAY_MS) {
    if (!days.includesDate(new Date(day))) continue;
    for (const time of times) {
      const at = day + time;
      if (at >= from && at <= to) yield at;
    }
  }
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
