import type { Clock } from '../../../lambda/ports/clock';

/**
 * Virtual time: sleep() moves the clock forward at once (and yields to the event loop so
 * in-process servers keep working). A six-hour restore takes milliseconds to simulate.
 */
export class FakeClock implements Clock {
  sleeps: number[] = [];

  constructor(private time = Date.parse('2026-11-28T06:00:00.000Z')) {}

  now(): number {
    return this.time;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += Math.max(0, ms);
    await new Promise((resolve) => setImmediate(resolve));
  }

  advance(ms: number): void {
    this.time += ms;
  }
}
