import { timestampOf } from '../../../lambda/checks/timestamps';

describe('timestampOf: epoch milliseconds of a creation or update time', () => {
  test('ISO-8601 text, with an offset or a fraction', () => {
    expect(timestampOf({ S: '2026-11-28T03:00:00Z' })).toBe(Date.UTC(2026, 10, 28, 3));
    expect(timestampOf({ S: '2026-11-28T05:00:00.250+02:00' })).toBe(Date.UTC(2026, 10, 28, 3, 0, 0, 250));
  });

  test('epoch seconds below 1e11, epoch milliseconds from 1e11', () => {
    expect(timestampOf({ N: '1764298800' })).toBe(1_764_298_800_000);
    expect(timestampOf({ N: '99999999999' })).toBe(99_999_999_999_000);
    expect(timestampOf({ N: '100000000000' })).toBe(100_000_000_000);
    expect(timestampOf({ N: '1764298800000' })).toBe(1_764_298_800_000);
    expect(timestampOf({ N: '1764298800.5' })).toBe(1_764_298_800_500);
  });

  test('absent or unreadable: undefined', () => {
    expect(timestampOf(undefined)).toBeUndefined();
    expect(timestampOf({ S: 'yesterday' })).toBeUndefined();
    expect(timestampOf({ S: '' })).toBeUndefined();
    expect(timestampOf({ N: 'Infinity' })).toBeUndefined();
    expect(timestampOf({ N: 'twelve' })).toBeUndefined();
    expect(timestampOf({ BOOL: true })).toBeUndefined();
    expect(timestampOf({ NULL: true })).toBeUndefined();
  });
});
