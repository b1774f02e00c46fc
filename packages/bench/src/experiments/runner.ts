import {
  type CreateEngineOptions,
  createEngine,
  loadPolicy,
  type PolicyOptions,
  type ResolvedDevice,
  type SpeculativeConfig,
} from "@pagoda/engine";
import type { BenchResult } from "../driver/bench-result.js";
import type { GoodputSlo } from "../driver/goodput.js";
import { simulate } from "../driver/simulate.js";
import type { StepSample } from "../driver/step-sample.js";
import type { BenchRequest } from "../driver/trace.js";
import { runEngine } from "../engine/run-engine.js";
import type { SpecDecodeSummary } from "../engine/spec-decode-summary.js";
import type { SimModel } from "../sim/model-presets.js";
import type { SimDevice } from "../sim/sim-device.js";

/** One run of an experiment: a trace under a batch limit and a policy. */
export interface RunSpec {
  requests: readonly BenchRequest[];
  maxNumSeqs: number;
  /** A registered name or a module path (`./my-policy.js`), loaded by the runner. */
  policy: string;
  /** Options of the policy (the simulator's `slo` fits its cost model to the device when absent). */
  policyOptions?: PolicyOptions;
  goodput?: GoodputSlo;
}

/** What a run gives an experiment. */
export interface RunOutcome {
  result: BenchResult;
  steps: readonly StepSample[];
  /** A real engine's drafts and acceptance when it speculates; absent or null otherwise. */
  specDecode?: SpecDecodeSummary | null;
}

/** Runs one spec: on the simulator or on a real engine. */
export type Runner = (spec: RunSpec) => Promise<RunOutcome>;

/** Options shared by the runners. */
export interface RunnerOptions {
  maxNumBatchedTokens?: number;
  blockSize?: number;
  seed?: number;
  /** Threads of the `cpu` engine (default: the machine's cores). */
  threads?: number;
  /** KV cache element type of a real engine (`createEngine`'s `kvCacheDtype`; default auto). */
  kvCacheDtype?: CreateEngineOptions["kvCacheDtype"];
  /** Quantize a real engine's weight matrices on load (`createEngine`'s `quantization`). */
  quantization?: CreateEngineOptions["quantization"];
  /** A real engine's speculative decoding (`createEngine`'s `speculative`); default off. */
  speculative?: SpeculativeConfig;
}

/** A runner that simulates `model` on `device`. */
export function simRunner(
  model: SimModel,
  device: SimDevice,
  options: RunnerOptions & { numBlocks?: number } = {},
): Runner {
  return async (spec) => {
    await loadPolicy(spec.policy, spec.policyOptions);
    const { result, steps } = await simulate({
      model,
      device,
      requests: spec.requests,
      maxNumSeqs: spec.maxNumSeqs,
      policy: spec.policy,
      ...(spec.policyOptions !== undefined && { policyOptions: spec.policyOptions }),
      ...options,
      ...(spec.goodput !== undefined && { goodput: spec.goodput }),
    });
    return { result, steps };
  };
}

/** A runner that builds a real engine per run (`createEngine`) and runs the trace in wall time. */
export function engineRunner(modelPath: string, device: ResolvedDevice, options: RunnerOptions = {}): Runner {
  const run = async (spec: RunSpec): Promise<RunOutcome> => {
    const llm = await createEngine({
      model: modelPath,
      device,
      ...(options.threads !== undefined && { threads: options.threads }),
      ...(options.kvCacheDtype !== undefined && { kvCacheDtype: options.kvCacheDtype }),
      ...(options.quantization !== undefined && { quantization: options.quantization }),
      maxNumSeqs: spec.maxNumSeqs,
      policy: spec.policy,
      ...(spec.policyOptions !== undefined && { policyOptions: spec.policyOptions }),
      ...(options.maxNumBatchedTokens !== undefined && { maxNumBatchedTokens: options.maxNumBatchedTokens }),
      ...(options.blockSize !== undefined && { blockSize: options.blockSize }),
      ...(options.speculative !== undefined && { speculative: options.speculative }),
    });
    try {
      const out = await runEngine(llm, spec.requests, {
        ...(options.seed !== undefined && { seed: options.seed }),
        ...(spec.goodput !== undefined && { goodput: spec.goodput }),
      });
      return { result: out.result, steps: out.steps, specDecode: out.specDecode };
    } finally {
      await llm.close();
    }
  };
  return run;
}
