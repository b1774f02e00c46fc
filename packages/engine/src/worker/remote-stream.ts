import type { RequestOutput } from "../core/types.js";

/**
 * One request's outputs on the main thread. Unlike the in-thread stream it does not decide by
 * itself when the request is over: the worker says so (`end`), after the last of its samples,
 * so the stream is right for any `n`.
 */
export class RemoteStream implements AsyncIterable<RequestOutput> {
  private readonly queue: RequestOutput[] = [];
  private waiter: (() => void) | null = null;
  private ended = false;
  private failure: unknown = null;

  /** @param onCancel called when the reader stops before the end (`break`), to abort the request. */
  constructor(private readonly onCancel: () => void) {}

  /** True once `end` or `fail` was called. */
  get done(): boolean {
    return this.ended;
  }

  /** Queues an output for the reader. */
  push(o: RequestOutput): void {
    if (this.ended) return;
    this.queue.push(o);
    this.wake();
  }

  /** No more outputs will come; the reader sees the end after the queued ones. */
  end(): void {
    this.ended = true;
    this.wake();
  }

  /** Ends the stream with an error after the queued outputs (the worker broke or exited). */
  fail(err: unknown): void {
    if (this.ended) return;
    this.failure = err;
    this.ended = true;
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RequestOutput> {
    try {
      for (;;) {
        const o = this.queue.shift();
        if (o !== undefined) {
          yield o;
          continue;
        }
        if (this.ended) {
          if (this.failure !== null) throw this.failure;
          return;
        }
        await new Promise<void>((resolve) => {
          this.waiter = resolve;
        });
      }
    } finally {
      // A reader leaving after the worker's end needs no abort: the request is over there.
      if (!this.ended) this.onCancel();
    }
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}
