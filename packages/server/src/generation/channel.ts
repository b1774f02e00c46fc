/**
 * An unbounded queue read as an `AsyncIterable`: writers push without waiting, one reader takes
 * items in order until the channel ends (or fails, which the reader sees as a throw). It merges
 * the output streams of a request's prompts into one.
 */
export class Channel<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiter: (() => void) | null = null;
  private ended = false;
  private failure: { err: unknown } | null = null;

  /** Queues an item; ignored once the channel ended. */
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

  /** Ends the channel with an error, thrown to the reader after the queued items. */
  fail(err: unknown): void {
    if (this.ended) return;
    this.failure = { err };
    this.end();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
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
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}
