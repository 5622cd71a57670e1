import { formatCount, formatDuration, formatPercent, formatTime } from '../../../lambda/report/format';

describe('formatDuration: seconds, minutes, hours or days, two units at most', () => {
  test.each([
    [0, '0s'],
    [-5, '0s'],
    [59, '59s'],
    [59.4, '59s'],
    [59.5, '1m00s'],
    [60, '1m00s'],
    [61, '1m01s'],
    [3_599, '59m59s'],
    [3_600, '1h00m'],
    [3_660, '1h01m'],
    [86_399, '23h59m'],
    [86_400, '1d00h'],
    [90_000, '1d01h'],
    [10 * 86_400 + 23 * 3_600, '10d23h'],
  ])('%d s -> %s', (seconds, text) => expect(formatDuration(seconds)).toBe(text));
});

describe('formatTime', () => {
  test('UTC to the second, from a Date or ISO text', () => {
    expect(formatTime('2026-11-28T03:00:12.345Z')).toBe('2026-11-28 03:00:12 UTC');
    expect(formatTime(new Date('2026-11-28T05:00:12+02:00'))).toBe('2026-11-28 03:00:12 UTC');
  });
});

describe('formatCount and formatPercent', () => {
  test('thousands separated', () => {
    expect(formatCount(1_234_567.5)).toBe('1,234,567.5');
    expect(formatCount(0)).toBe('0');
  });

  test('two decimals under 10 %, one from 10 %, either sign', () => {
    expect(formatPercent(0)).toBe('0.00%');
    expect(formatPercent(9.994)).toBe('9.99%');
    expect(formatPercent(-9.5)).toBe('-9.50%');
    expect(formatPercent(10)).toBe('10.0%');
    expect(formatPercent(-10)).toBe('-10.0%');
    expect(formatPercent(33.333)).toBe('33.3%');
  });
});
