/** Source of time. Live code uses {@link systemClock}; backtests and tests use a clock they drive (STYLE.md rule 9). */
export interface Clock {
  /** Current UTC time in epoch milliseconds. */
  now(): number
}

/** Wall-clock time: the only place in Armada that reads `Date.now()`. */
export const systemClock: Clock = { now: () => Date.now() }

/** A clock set by hand, for tests and replays. */
export class ManualClock implements Clock {
  constructor(private t = 0) {}
  now(): number {
    return this.t
  }
  set(t: number): void {
    this.t = t
  }
  advance(ms: number): void {
    this.t += ms
  }
}
