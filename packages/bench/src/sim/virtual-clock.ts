/** Time that moves only when told to: the simulator's clock, in seconds from the start. */
export class VirtualClock {
  private t = 0;

  /** Seconds since the start. */
  now(): number {
    return this.t;
  }

  /** Milliseconds since the start, for the scheduler's `clock` option. */
  nowMs(): number {
    return this.t * 1000;
  }

  /** Moves time forward by `seconds` (≥ 0). */
  advance(seconds: number): void {
    if (!(seconds >= 0)) throw new RangeError(`cannot advance a clock by ${seconds} s`);
    this.t += seconds;
  }

  /** Jumps to `time` when it lies ahead; never goes back. */
  advanceTo(time: number): void {
    if (time > this.t) this.t = time;
  }
}
