import { WasmExecutor } from "@pagoda/executor";
import type { LLM } from "../offline/llm.js";
import { describeSpeculative } from "../speculative/speculative-config.js";
import type { WorkerEngineInfo } from "./protocol.js";

/** The sizes the main thread is told about an {@link LLM}. */
export function engineInfo(llm: LLM): WorkerEngineInfo {
  const { kvCache, device, maxModelLen, executor, kvCacheDtype, kvCacheBytes, speculative } = llm.parts;
  return {
    device,
    maxModelLen,
    numBlocks: kvCache.devicePool.numBlocks,
    blockSize: kvCache.blockSize,
    kvCacheDtype,
    kvCacheBytes,
    ...(executor instanceof WasmExecutor && { threads: executor.threads }),
    ...(speculative != null && {
      speculative: describeSpeculative(speculative),
      numSpeculativeTokens: speculative.numSpeculativeTokens,
    }),
  };
}
