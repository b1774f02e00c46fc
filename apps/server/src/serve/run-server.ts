import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { calibratedPolicyOptions } from "@pagoda/bench";
import { spawnWorkerEngine } from "@pagoda/engine/worker/node";
import { loadModel, quantizeWeights } from "@pagoda/model-loaders";
import { createServerApp, servedDeviceProfile, servedModelShape, startServer } from "@pagoda/server";
import { SingleBar } from "cli-progress";
import { pino } from "pino";
import type { CliIo } from "../program.js";
import { kvCacheBytes } from "./kv-budget.js";
import type { ServeConfig } from "./serve-options.js";
import { servedCostModel } from "./slo-cost.js";
import { weightsBytes } from "./weights-bytes.js";

/** The built playground, served at /playground/ when present (this file is apps/server/dist/serve/). */
const PLAYGROUND_DIR = fileURLToPath(new URL("../../../playground/dist", import.meta.url));

/** What {@link runServer} needs besides the checked flags. */
export interface RunServerOptions {
  chatTemplate: string | null;
  verbose: boolean;
  io: CliIo;
  /** Resolves when the server should stop; default: the first SIGTERM or SIGINT. */
  stopSignal?: Promise<void>;
}

/**
 * Starts listening at once (503 while loading), loads the model on a worker thread with a
 * progress bar, then serves until SIGTERM / SIGINT and drains. Resolves once stopped.
 */
export async function runServer(config: ServeConfig, o: RunServerOptions): Promise<void> {
  const logger = pino({ level: o.verbose ? "debug" : "info" });
  const server = createServerApp({
    servedModelName: config.servedModelName,
    apiKey: config.apiKey,
    maxQueue: config.maxQueue,
    maxBodyBytes: config.maxBodyBytes,
    metricsPrefix: config.metricsPrefix,
    chatTemplate: o.chatTemplate,
    strictParams: config.strictParams,
    ...(config.toolCallParser !== null && { toolCallParser: config.toolCallParser }),
    allowedOrigins: config.allowedOrigins,
    logger,
    playgroundDir: existsSync(PLAYGROUND_DIR) ? PLAYGROUND_DIR : null,
  });
  const running = await startServer({
    server,
    host: config.host,
    port: config.port,
    graceMs: config.graceMs,
  });
  o.io.err(`pagoda: listening at ${running.url} (loading ${config.model})\n`);
  let stopping = false;
  const signal = o.stopSignal === undefined ? firstSignal() : { stop: o.stopSignal, dispose: () => {} };
  const stopped = signal.stop.then(() => {
    stopping = true;
    return running.shutdown();
  });

  try {
    const model = await loadModel(config.model);
    await model.close(); // this thread needs only the tokenizer and chat template
    // Quantized handles know their packed size without quantizing anything.
    const heldBytes = weightsBytes(
      config.quantization === undefined
        ? model.weights
        : quantizeWeights(model.weights, model.config, config.quantization),
    );
    // slo's step-cost model: the executor's calibrated profile, under any --policy-options.
    const shape = servedModelShape(model.config, heldBytes, config.kvCacheDtype);
    const cost = servedCostModel(config.device, config.deviceProfile, shape);
    const policyOptions = calibratedPolicyOptions(config.policy, config.policyOptions, cost);
    const bar = new SingleBar({ stream: process.stderr, format: "loading weights [{bar}] {percentage}%" });
    bar.start(1, 0);
    const engine = await spawnWorkerEngine({
      model: config.model,
      device: config.device,
      ...(config.threads !== undefined && { threads: config.threads }),
      policy: config.policy,
      policyOptions,
      blockSize: config.blockSize,
      maxNumSeqs: config.maxNumSeqs,
      maxNumBatchedTokens: config.maxNumBatchedTokens,
      kvCacheMemory: kvCacheBytes(config.kvCache, heldBytes),
      swapSpace: config.swapSpace,
      kvCacheDtype: config.kvCacheDtype,
      ...(config.quantization !== undefined && { quantization: config.quantization }),
      enablePrefixCaching: config.enablePrefixCaching,
      generationConfig: config.generationConfig,
      ...(config.speculative !== undefined && { speculative: config.speculative }),
      metrics: server.metrics,
      onLoadProgress: (loaded, total) => {
        bar.setTotal(total);
        bar.update(loaded);
      },
    }).finally(() => bar.stop());
    if (stopping) {
      await engine.close(); // a signal came while the weights loaded
    } else {
      const { info } = engine;
      // Before `ready`: no request may be observed into the buckets this replaces.
      server.exporter.setMaxModelLen(info.maxModelLen);
      const device = servedDeviceProfile(config.deviceProfile, info);
      if (device !== null) {
        server.metrics.setBottleneck({
          model: servedModelShape(model.config, heldBytes, info.kvCacheDtype),
          device,
        });
      }
      server.state.ready({
        engine,
        tokenizer: model.tokenizer,
        chatTemplate: model.chatTemplate,
        maxModelLen: info.maxModelLen,
        ...(info.kvCacheDtype !== undefined &&
          info.kvCacheBytes !== undefined && {
            kvCache: { dtype: info.kvCacheDtype, bytes: info.kvCacheBytes },
          }),
      });
      if (info.numSpeculativeTokens !== undefined) {
        server.exporter.setNumSpeculativeTokens(info.numSpeculativeTokens);
      }
      if (info.kvCacheDtype !== undefined && info.kvCacheBytes !== undefined) {
        server.exporter.setCacheConfig({
          blockSize: info.blockSize,
          numGpuBlocks: info.numBlocks,
          cacheDtype: info.kvCacheDtype,
          kvCacheBytes: info.kvCacheBytes,
        });
      }
      logger.info(
        {
          model: config.servedModelName,
          device: info.device,
          maxModelLen: info.maxModelLen,
          blocks: info.numBlocks,
          kvCacheDtype: info.kvCacheDtype,
          kvCacheBytes: info.kvCacheBytes,
          kvCacheTokens: (info.numBlocks - 1) * info.blockSize,
          speculative: info.speculative ?? null,
        },
        `serving ${config.servedModelName} at ${running.url}/v1 (KV cache ${info.kvCacheDtype}: ${(info.numBlocks - 1) * info.blockSize} tokens${info.speculative === undefined ? "" : `; speculative decoding: ${info.speculative}`})`,
      );
    }
  } catch (err) {
    signal.dispose();
    await running.close();
    throw err;
  }
  await stopped;
}

/** The first SIGTERM or SIGINT; `dispose` stops listening (after a failed start). */
function firstSignal(): { stop: Promise<void>; dispose: () => void } {
  let dispose = () => {};
  const stop = new Promise<void>((resolve) => {
    const onSignal = () => {
      dispose();
      resolve();
    };
    dispose = () => {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  });
  return { stop, dispose };
}
