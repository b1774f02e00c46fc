import { isCpuAdapter, type PagodaDevice } from "@pagoda/kernels-wgsl";

/** Whether `gpu` is a software adapter whose "GPU" threads run on the host's own cores. */
export function isSoftwareAdapter(gpu: PagodaDevice): boolean {
  return isCpuAdapter(gpu);
}

// Sleep for this share of the expected wait; the rest is polled, so a faster step costs little.
const SLEEP_SHARE = 0.8;
// Steps are grouped by token count (powers of two): a prefill step takes longer than a decode.
const bucketOf = (numTokens: number) => Math.ceil(Math.log2(numTokens + 1));

/**
 * How the executor waits for a step's results. Dawn's Node binding polls for completion with
 * `setImmediate`, so an awaited `mapAsync` keeps the main thread busy for the whole GPU time; on
 * a software adapter that thread takes a core from the adapter's own worker threads (measured:
 * the main thread burned 2.3 s of CPU in 4.4 s of decoding on lavapipe, 0.5 s when sleeping).
 * With `sleep` on, the executor first sleeps for most of the time recent steps of a similar
 * size took, and only then starts the polling wait.
 */
export class GpuWait {
  private readonly expectedMs = new Map<number, number>();

  constructor(readonly sleep: boolean) {}

  /** Resolves when polling for the step's results is worth starting, `elapsedMs` after its submit. */
  async settle(numTokens: number, elapsedMs = 0): Promise<void> {
    const ms = Math.floor(SLEEP_SHARE * (this.expectedMs.get(bucketOf(numTokens)) ?? 0) - elapsedMs);
    if (this.sleep && ms >= 1) await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Records how long a step of `numTokens` took from submit to results. */
  record(numTokens: number, ms: number): void {
    const bucket = bucketOf(numTokens);
    const old = this.expectedMs.get(bucket);
    this.expectedMs.set(bucket, old === undefined ? ms : 0.7 * old + 0.3 * ms);
  }
}
