import type { RequestOutput } from "../core/types.js";
import { AsyncQueue } from "./async-queue.js";

/**
 * One request's outputs (all its samples') as an `AsyncIterable`, ending after the output that
 * has `finished`. Unbounded: each output is small, and a request's total is bounded by
 * `n × max_tokens`.
 */
export class OutputStream extends AsyncQueue<RequestOutput> {
  /** Queues an output; the stream ends after the request's last one (`finished`). */
  override push(o: RequestOutput): void {
    super.push(o);
    if (o.finished) this.end();
  }
}
