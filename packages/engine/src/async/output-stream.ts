import type { RequestOutput } from "../core/types.js";

/**
 * One request's outputs (all its samples') as an `AsyncIterable`, ending after the output that
 * has `finished`. Unbounded: the step loop never waits for a slow reader (each output is small,
 * and a request's total is bounded by `n × max_tokens`).
 */
export class OutputStream implements AsyncIterable<RequestOutput> {
  private readonly queue: RequestOutput[] = [];
  private waiter: (() => void) | null = null;
  private ended = false;
  private failure: unknown = null;

  /** @param onCancel called when the reader stops early (`break`), so the request can be aborted. */
  constructor(private readonly onCancel: () => void) {}

  /** Queues an output; the stream ends after the request's last one (`finished`). */
  push(o: RequestOutput): void {
    if (this.ended) return;
    this.queue.push(o);
    if (o.finished) this.ended = true;
    this.wake();
  }

  /** Ends the stream with an error (the engine broke, not just this request). */
  fail(err: unknown): void {
    if (this.ended) return;
    this.failure = err;
    this.ended = true;
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RequestOutput> {
    let finished = false;
    try {
      for (;;) {
        const o = this.queue.shift();
        if (o !== undefined) {
          yield o;
          if (o.finished) {
            finished = true;
            return;
          }
          continue;
        }
        if (this.ended) {
          finished = true;
          if (this.failure !== null) throw this.failure;
          return;
        }
        await new Promise<void>((resolve) => {
          this.waiter = resolve;
        });
      }
    } finally {
      if (!finished) this.onCancel();
    }
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}
