import type { LLM } from "../offline/llm.js";
import type { WorkerEngineInfo } from "./protocol.js";

/**
 * The sizes the main thread is told about an {@link LLM}. `maxModelLen` is worked out as
 * `createEngine` does (the WebGPU executor reports it; on the CPU it is the smaller of the model's
 * positions and what the KV cache holds), since the `LLM` does not carry it.
 */
export function engineInfo(llm: LLM): WorkerEngineInfo {
  const { kvCache, executor, model, device } = llm.parts;
  const numBlocks = kvCache.devicePool.numBlocks;
  const blockSize = kvCache.blockSize;
  const sizes = (executor as { sizes?: { maxModelLen?: unknown } }).sizes;
  const maxModelLen =
    typeof sizes?.maxModelLen === "number"
      ? sizes.maxModelLen
      : Math.min(model.config.maxPositionEmbeddings, (numBlocks - 1) * blockSize);
  return { device, maxModelLen, numBlocks, blockSize };
}
