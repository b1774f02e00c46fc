import { createStorageBuffer, readBuffer } from "../runtime/buffers.js";
import { OUTPUT_WORDS, PARAM_WORDS } from "./layout.js";
import { decodeSamplingOutput, type SampleResult } from "./output.js";
import { packSamplingInputs } from "./pack.js";
import type { SamplingParams, TokenHistory } from "./params.js";
import { SamplingError } from "./sampling-error.js";

/** Sizes of a {@link SamplingBuffers} set. */
export interface SamplingBufferOptions {
  readonly maxSeqs: number;
  readonly vocab: number;
  /** Prompt + output tokens of all sequences of one batch together. */
  readonly maxHistoryTokens: number;
  readonly label?: string;
}

/** The storage buffers `encodeSampling` reads and writes, sized once for the largest batch. */
export interface SamplingBuffers extends SamplingBufferOptions {
  /** `[maxSeqs]` `SeqParams` records. */
  readonly params: GPUBuffer;
  /** Flattened token histories (u32). */
  readonly history: GPUBuffer;
  /** Workspace `[maxSeqs, vocab]` f32: penalized, temperature-scaled logits. */
  readonly scores: GPUBuffer;
  /** Workspace `[maxSeqs, vocab]` u32: per-token history counts (only touched entries are valid). */
  readonly counts: GPUBuffer;
  /** `[maxSeqs]` `SampleOut` records: read back with one copy. */
  readonly output: GPUBuffer;
  destroy(): void;
}

/** Creates the labelled buffers sampling needs for batches of up to `maxSeqs` sequences. */
export function createSamplingBuffers(device: GPUDevice, options: SamplingBufferOptions): SamplingBuffers {
  const { maxSeqs, vocab, maxHistoryTokens } = options;
  const label = options.label ?? "sampling";
  const rowBytes = maxSeqs * vocab * 4;
  const buffers = {
    params: createStorageBuffer(device, `${label}.params`, maxSeqs * PARAM_WORDS * 4),
    history: createStorageBuffer(device, `${label}.history`, maxHistoryTokens * 4),
    scores: createStorageBuffer(device, `${label}.scores`, rowBytes),
    counts: createStorageBuffer(device, `${label}.counts`, rowBytes),
    output: createStorageBuffer(device, `${label}.output`, maxSeqs * OUTPUT_WORDS * 4),
  };
  return {
    ...options,
    ...buffers,
    destroy() {
      for (const b of Object.values(buffers)) b.destroy();
    },
  };
}

/**
 * Validates, packs and uploads one batch's parameters and histories; returns the batch size.
 * Throws {@link SamplingError} when the batch outgrows the buffers.
 */
export function writeSamplingInputs(
  device: GPUDevice,
  buffers: SamplingBuffers,
  params: readonly SamplingParams[],
  histories: readonly TokenHistory[],
): number {
  const packed = packSamplingInputs(params, histories, buffers.vocab);
  if (params.length > buffers.maxSeqs || packed.history.length > buffers.maxHistoryTokens) {
    throw new SamplingError(
      "sampling.batch_too_large",
      `${params.length} sequences / ${packed.history.length} history tokens exceed the buffers' ` +
        `${buffers.maxSeqs} / ${buffers.maxHistoryTokens}`,
    );
  }
  device.queue.writeBuffer(buffers.params, 0, packed.params);
  if (packed.history.length > 0) device.queue.writeBuffer(buffers.history, 0, packed.history);
  return params.length;
}

/** Reads the first `numSeqs` output records back (one copy, one map) and decodes them. */
export async function readSamplingOutput(
  device: GPUDevice,
  buffers: SamplingBuffers,
  numSeqs: number,
): Promise<SampleResult[]> {
  const bytes = await readBuffer(device, buffers.output, numSeqs * OUTPUT_WORDS * 4);
  return decodeSamplingOutput(bytes, numSeqs);
}
