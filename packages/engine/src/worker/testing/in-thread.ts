import type { Executor } from "@pagoda/scheduler";
import { LLM } from "../../offline/llm.js";
import { stories, type TestEngineOptions, testEngine } from "../../testing/stories.js";
import { webPort } from "../port.js";
import type { BuildEngine } from "../serve-engine.js";
import { serveEngine } from "../serve-engine.js";
import { type ConnectOptions, WorkerEngine } from "../worker-engine.js";

/**
 * Builds a stories260K {@link LLM} from `testEngine(o)` (e.g. with a failing executor), ignoring
 * the options sent but their recorder (the worker's forwarding one, when the main thread has one).
 */
export function buildTestLLM(o: TestEngineOptions = {}): BuildEngine {
  return async (sent) => {
    const { model } = await stories();
    let executor: Executor | undefined;
    const { engine, scheduler, kvCache, maxModelLen } = await testEngine({
      ...o,
      ...(sent.metrics !== undefined && { metrics: sent.metrics }),
      wrap: (cpu) => {
        executor = o.wrap ? o.wrap(cpu) : cpu;
        return executor;
      },
    });
    if (executor === undefined) throw new Error("testEngine built no executor");
    // The test engine's reference executor keeps K/V in f32 (4 bytes × 2 × layers × heads × dims).
    const { numLayers, numKvHeads, headDim } = model.config;
    const kvCacheBytes =
      kvCache.devicePool.numBlocks * kvCache.blockSize * 8 * numLayers * numKvHeads * headDim;
    return new LLM(engine, {
      scheduler,
      kvCache,
      executor,
      device: "cpu",
      kvCacheDtype: "f32",
      kvCacheBytes,
      model,
      maxModelLen,
    });
  };
}

/**
 * Both ends of the worker protocol in this thread, over a real `MessageChannel` (so every message
 * is structured-cloned as between threads). Close the engine, then `dispose` the channel.
 */
export async function inThreadWorkerEngine(build: BuildEngine, o: ConnectOptions = {}) {
  const channel = new MessageChannel();
  serveEngine(webPort(channel.port2), build);
  const engine = await WorkerEngine.connect(webPort(channel.port1), { model: "stories260K" }, o);
  const dispose = () => {
    channel.port1.close();
    channel.port2.close();
  };
  return { engine, dispose };
}
