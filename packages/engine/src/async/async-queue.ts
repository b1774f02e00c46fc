/**
 * An unbounded queue read as an `AsyncIterable`: writers push without waiting (the step loop
 * never waits for a slow reader), one reader takes items in order until the queue ends, or
 * fails, which the reader sees as a throw after the queued items. A reader that leaves before
 * the end (`break`) triggers `onCancel`, e.g. to abort the request it was reading.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiter: (() => void) | null = null;
  private ended = false;
  private failure: { err: unknown } | null = null;

  constructor(private readonly onCancel?: () => void) {}

  /** True once `end` or `fail` was called. */
  get done(): boolean {
    return this.ended;
  }

  /** Queues an item; ignored once the queue ended. */
  push(item: T): void {
    if (this.ended) return;
    this.items.push(item);
    this.wake();
  }

  /** No more items: the reader finishes after taking what is queued. */
  end(): void {
    this.ended = true;
    this.wake();
  }

  /** Ends the queue with an error, thrown to the reader after the queued items. */
  fail(err: unknown): void {
    if (this.ended) return;
    this.failure = { err };
    this.end();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    try {
      for (;;) {
        const item = this.items.shift();
        if (item !== undefined) {
          yield item;
          continue;
        }
        if (this.ended) {
          if (this.failure !== null) throw this.failure.err;
          return;
        }
        await new Promise<void>((resolve) => {
          this.waiter = resolve;
        });
      }
    } finally {
      // A reader leaving after the end has nothing to cancel.
      if (!this.ended) this.onCancel?.();
    }
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}
