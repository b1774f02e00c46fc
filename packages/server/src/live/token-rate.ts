/** Tokens per second over a sliding window, from a running total sampled now and then. */
export class TokenRate {
  private readonly samples: { time: number; total: number }[] = [];

  constructor(private readonly windowSeconds = 5) {}

  /** Adds the total at `time` (seconds) and returns the rate over the window ending there. */
  update(time: number, total: number): number {
    this.samples.push({ time, total });
    while (this.samples.length > 2 && (this.samples[1]?.time ?? time) <= time - this.windowSeconds) {
      this.samples.shift();
    }
    const first = this.samples[0] as { time: number; total: number };
    const span = time - first.time;
    return span > 0 ? (total - first.total) / span : 0;
  }
}
