import { CliUsageError } from "../generate/errors.js";
import type { ServeConfig } from "./serve-options.js";

/**
 * Bytes for the KV cache: `--kv-cache-memory` as given, or `--gpu-memory-utilization` of the
 * memory minus the weights (vLLM's rule). WebGPU does not report a device's memory, so the
 * share is of this machine's memory: right for the CPU executor, lavapipe and unified-memory
 * GPUs; on a discrete GPU give `--kv-cache-memory`.
 */
export function kvCacheBytes(kv: ServeConfig["kvCache"], weightsBytes: number): number {
  if ("bytes" in kv) return kv.bytes;
  const bytes = Math.floor(kv.totalBytes * kv.utilization - weightsBytes);
  if (bytes <= 0) {
    throw new CliUsageError(
      "cli.bad_argument",
      `--gpu-memory-utilization ${kv.utilization} of ${kv.totalBytes} bytes leaves nothing for the KV cache after ${weightsBytes} bytes of weights`,
    );
  }
  return bytes;
}
