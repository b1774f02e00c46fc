import {
  type CreateEngineOptions,
  createEngine,
  type PromptInput,
  type SpeculativeConfig,
} from "@pagoda/engine";
import { MetricsRecorder } from "@pagoda/metrics";
import { StreamClock } from "../peers/measure.js";
import { profileSteps, type StepProfile } from "./step-profile.js";

/** One engine configuration of a case: speculation off, or a proposer with its k. */
export interface SpecContender {
  /** `off`, `ngram k=4`, `draft k=2`… */
  readonly label: string;
  readonly speculative: SpeculativeConfig | null;
}

/** What one timed run measured. */
export interface SpecRun {
  /** Decode tok/s, all streams together, after every stream's first token. */
  tokPerS: number;
  seconds: number;
  /**
   * This process's CPU time (user + system) over the decode steps: with one thread (no pool
   * workers spinning) it is the work done, whatever else the machine runs.
   */
  cpuSeconds: number;
  numTokens: number;
  /** Verifications (one per request per step with drafts), draft tokens, accepted draft tokens in this run. */
  numDrafts: number;
  numDraftTokens: number;
  numAcceptedTokens: number;
  /** Every stream's generated ids. */
  outputs: number[][];
  /** Where the run's step time went (prefill steps included). */
  profile: StepProfile;
}

/** An engine of one contender, reused across rounds. */
export interface SpecRunner {
  readonly label: string;
  /** Decodes `prompts` `streams` at a time (a batch after another), `genLen` tokens each. */
  run(prompts: readonly PromptInput[], streams: number, genLen: number): Promise<SpecRun>;
  close(): Promise<void>;
}

let runCounter = 0;

/**
 * `createEngine` on `model` with the contender's speculative option, sized for `streams`
 * sequences of `maxTokens` tokens; no prefix caching, so every round computes its prompts.
 * A run adds the prompts (greedy, EOS ignored) and steps the engine until done.
 */
export async function specRunner(
  c: SpecContender,
  model: string,
  device: string,
  threads: number,
  streams: number,
  maxTokens: number,
): Promise<SpecRunner> {
  const blockSize = 16;
  const metrics = new MetricsRecorder();
  const llm = await createEngine({
    model,
    device: device as CreateEngineOptions["device"],
    threads,
    blockSize,
    numBlocks: streams * Math.ceil(maxTokens / blockSize + 1) + 2,
    maxNumSeqs: streams,
    enablePrefixCaching: false,
    metrics,
    ...(c.speculative !== null && { speculative: c.speculative }),
  });
  const { engine } = llm;
  const profile = profileSteps(llm);
  // One batch of concurrent streams; its decode window as StreamClock times it.
  const batch = async (prompts: readonly PromptInput[], genLen: number) => {
    const run = runCounter++;
    const ids = prompts.map((_, i) => `spec-${run}-${i}`);
    const stream = new Map(ids.map((id, i) => [id, i]));
    const clock = new StreamClock(prompts.length);
    prompts.forEach((p, i) => {
      engine.addRequest(ids[i] as string, p, { max_tokens: genLen, temperature: 0, ignore_eos: true });
    });
    let started = 0; // streams with a first token
    let cpuStart: NodeJS.CpuUsage | undefined;
    while (engine.hasUnfinished()) {
      for (const o of await engine.step()) {
        if (o.error) throw o.error;
        const i = stream.get(o.requestId) as number;
        if (clock.outputs[i]?.length === 0 && o.tokenIds.length > 0) started++;
        clock.tokens(i, o.tokenIds);
      }
      // The CPU window opens with the clock's: once every stream has its first token.
      if (cpuStart === undefined && started === prompts.length) cpuStart = process.cpuUsage();
    }
    const cpu = process.cpuUsage(cpuStart);
    const r = clock.result({ id: "decode", kind: "decode", streams: prompts.length, promptLen: 0, genLen });
    return { ...r, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  };
  return {
    label: c.label,
    async run(prompts, streams, genLen) {
      const before = metrics.snapshot().specDecode;
      profile.take();
      let seconds = 0;
      let cpuSeconds = 0;
      let numTokens = 0;
      const outputs: number[][] = [];
      for (let at = 0; at < prompts.length; at += streams) {
        const r = await batch(prompts.slice(at, at + streams), genLen);
        seconds += r.seconds;
        cpuSeconds += r.cpuSeconds;
        numTokens += r.numTokens;
        outputs.push(...r.outputs);
      }
      const after = metrics.snapshot().specDecode;
      return {
        tokPerS: numTokens / seconds,
        seconds,
        cpuSeconds,
        numTokens,
        numDrafts: after.numDrafts - before.numDrafts,
        numDraftTokens: after.numDraftTokens - before.numDraftTokens,
        numAcceptedTokens: after.numAcceptedTokens - before.numAcceptedTokens,
        outputs,
        profile: profile.take(),
      };
    },
    close: () => llm.close(),
  };
}
