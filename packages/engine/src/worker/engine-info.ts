import { WasmExecutor } from "@pagoda/executor";
import type { LLM } from "../offline/llm.js";
import type { WorkerEngineInfo } from "./protocol.js";

/** The sizes the main thread is told about an {@link LLM}. */
export function engineInfo(llm: LLM): WorkerEngineInfo {
  const { kvCache, device, maxModelLen, executor, kvCacheDtype, kvCacheBytes } = llm.parts;
  return {
    device,
    maxModelLen,
    numBlocks: kvCache.devicePool.numBlocks,
    blockSize: kvCache.blockSize,
    kvCacheDtype,
    kvCacheBytes,
    ...(executor instanceof WasmExecutor && { threads: executor.threads }),
  };
}
