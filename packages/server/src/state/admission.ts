import type { EngineClient } from "@pagoda/engine";
import { HttpError } from "../errors/http-error.js";

/** What admission reads of an engine: its last published stats. */
export type AdmissionEngine = Pick<EngineClient, "stats">;

/**
 * `--max-queue`: answers 429 while the waiting queue is full. The engine's stats are as of its
 * last report (a worker's last message), so a burst that arrives between two reports would all
 * see the same short queue: requests this server has admitted but the engine has not yet
 * reported count as waiting until their submission settles, when the engine's stats carry them.
 *
 * @example
 * const release = admission.admit(engine, prompts.length); // throws 429 `queue.full`
 * try { await submitAll(); } finally { release(); }
 */
export class Admission {
  private numUnreported = 0;

  /** @param maxQueue waiting requests at or above which new ones get 429; `null`: no limit. */
  constructor(readonly maxQueue: number | null) {}

  /** Engine requests admitted whose submission has not settled. */
  get numPending(): number {
    return this.numUnreported;
  }

  /**
   * Admits `numRequests` engine requests (a batch of prompts is several) or throws the 429
   * `queue.full`; the returned function must be called once their submission has settled.
   */
  admit(engine: AdmissionEngine, numRequests: number): () => void {
    if (this.maxQueue === null) return () => {};
    const numWaiting = engine.stats().numWaiting + this.numUnreported;
    if (numWaiting >= this.maxQueue) {
      throw new HttpError(
        "queue.full",
        `the server is overloaded: ${numWaiting} requests are waiting (limit ${this.maxQueue}); retry later`,
        { details: { retryAfterS: 1 } },
      );
    }
    this.numUnreported += numRequests;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.numUnreported -= numRequests;
    };
  }
}
