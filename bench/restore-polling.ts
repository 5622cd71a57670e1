/**
 * How quickly does the drill notice that a restore finished, and how hard does it poll?
 *
 * Replays the engine's real poll schedule (lambda/drill/poll-schedule.ts, production tuning)
 * against simulated restores from 1 minute to 6 hours. For each duration T, completion times
 * are spread evenly over [0.9 T, 1.1 T] (so the result does not hinge on one lucky phase), and
 * for each the detection delay (first poll at or after completion, minus completion) and the
 * DescribeRestoreJob calls are counted. Baseline: a fixed 30-second poll. Three product
 * variants: no estimate from AWS; ExpectedCompletionTimeMinutes = T (+ETA); a PercentDone that
 * grows linearly to 100% at the real completion (+%done).
 *
 * Targets (issue "The drill engine"): mean delay <= max(15 s, 5% of T) at every duration, and
 * <= 60 DescribeRestoreJob calls per hour of restore (calls / max(T, 1 h): a restore shorter
 * than an hour is held to 60 calls in its hour).
 *
 *   npm run bench:polling
 */
import { DEFAULT_WAIT_TUNING } from '../lambda/config';
import { nextPollDelayMs } from '../lambda/drill/poll-schedule';

type Schedule = (elapsedMs: number, restoreMs: number, completionMs: number) => number;

const productSchedule =
  (hint: 'none' | 'eta' | 'percent'): Schedule =>
  (elapsedMs, restoreMs, completionMs) =>
    nextPollDelayMs(
      {
        elapsedMs,
        expectedCompletionTimeMinutes: hint === 'eta' ? restoreMs / 60_000 : undefined,
        percentDone: hint === 'percent' ? Math.floor((100 * elapsedMs) / completionMs) : undefined,
      },
      DEFAULT_WAIT_TUNING,
    );
const fixed30s: Schedule = () => 30_000;

/** The engine polls once right after StartRestoreJob, then sleeps per the schedule. */
function simulate(schedule: Schedule, completionMs: number, estimateMs: number) {
  let t = 0;
  let calls = 0;
  for (;;) {
    calls += 1;
    if (t >= completionMs) return { delayMs: t - completionMs, calls };
    t += schedule(t, estimateMs, completionMs);
  }
}

function measure(schedule: Schedule, restoreMs: number) {
  const samples = 401;
  let delaySum = 0;
  let maxDelay = 0;
  let callSum = 0;
  for (let i = 0; i < samples; i++) {
    const completion = restoreMs * (0.9 + (0.2 * i) / (samples - 1));
    const { delayMs, calls } = simulate(schedule, completion, restoreMs);
    delaySum += delayMs;
    maxDelay = Math.max(maxDelay, delayMs);
    callSum += calls;
  }
  const meanDelayMs = delaySum / samples;
  const meanCalls = callSum / samples;
  return { meanDelayMs, maxDelayMs: maxDelay, calls: meanCalls, callsPerHour: meanCalls / Math.max(1, restoreMs / 3_600_000) };
}

const durationsMin = [1, 2, 5, 10, 20, 30, 60, 120, 240, 360];
const fmt = (ms: number) => (ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : `${(ms / 60_000).toFixed(1)}m`);

console.log('Restore poll schedule vs a fixed 30 s poll (mean over completion times in [0.9T, 1.1T])\n');
console.log(
  [
    'restore T',
    'mean delay',
    '% of T',
    'target',
    'max delay',
    'calls',
    'calls/h',
    'ok',
    '| +ETA calls/h',
    '+ETA delay',
    '| +%done calls/h',
    '+%done delay',
    '| 30s poll calls/h',
    'delay',
  ].join('\t'),
);
let allMet = true;
const ratios: number[] = [];
for (const minutes of durationsMin) {
  const restoreMs = minutes * 60_000;
  const product = measure(productSchedule('none'), restoreMs);
  const withEstimate = measure(productSchedule('eta'), restoreMs);
  const withPercent = measure(productSchedule('percent'), restoreMs);
  const baseline = measure(fixed30s, restoreMs);
  const targetMs = Math.max(15_000, 0.05 * restoreMs);
  const met =
    product.meanDelayMs <= targetMs &&
    product.callsPerHour <= 60 &&
    withEstimate.meanDelayMs <= targetMs &&
    withEstimate.callsPerHour <= 60 &&
    withPercent.meanDelayMs <= targetMs &&
    withPercent.callsPerHour <= 60;
  allMet &&= met;
  ratios.push(product.calls / baseline.calls);
  console.log(
    [
      `${minutes}m`,
      fmt(product.meanDelayMs),
      `${((100 * product.meanDelayMs) / restoreMs).toFixed(1)}%`,
      fmt(targetMs),
      fmt(product.maxDelayMs),
      product.calls.toFixed(1),
      product.callsPerHour.toFixed(1),
      met ? 'yes' : 'NO',
      `| ${withEstimate.callsPerHour.toFixed(1)}`,
      fmt(withEstimate.meanDelayMs),
      `| ${withPercent.callsPerHour.toFixed(1)}`,
      fmt(withPercent.meanDelayMs),
      `| ${baseline.callsPerHour.toFixed(1)}`,
      fmt(baseline.meanDelayMs),
    ].join('\t'),
  );
}
// A PercentDone that stalls: 99% from the first poll after an hour until the restore ends at 7 h.
const stalledCalls = (percentDone: number | undefined) => {
  let t = 0;
  let calls = 0;
  while (t < 7 * 3_600_000) {
    calls += 1;
    t += nextPollDelayMs({ elapsedMs: t, percentDone: t >= 3_600_000 ? percentDone : undefined }, DEFAULT_WAIT_TUNING);
  }
  return calls;
};
const stalled = stalledCalls(99);
const plain = stalledCalls(undefined);
const stallOk = stalled <= 2 * plain;
allMet &&= stallOk;
console.log(
  `\nPercentDone stuck at 99% from 1 h to 7 h: ${stalled} calls vs ${plain} with no estimate (${(stalled / plain).toFixed(2)}x, limit 2x) ${stallOk ? 'ok' : 'NO'}`,
);
const geomean = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);
console.log(`\nDescribeRestoreJob calls vs the fixed 30 s baseline (geometric mean over durations): ${geomean.toFixed(2)}x`);
console.log(allMet ? 'All targets met.' : 'TARGET MISSED (see rows marked NO).');
process.exitCode = allMet ? 0 : 1;
