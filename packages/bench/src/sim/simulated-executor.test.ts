import { isPagodaError } from "@pagoda/errors";
import { KVCacheManager } from "@pagoda/kv-paging";
import { greedyParams, Scheduler } from "@pagoda/scheduler";
import { describe, expect, it } from "vitest";
import { CostModel } from "./cost-model.js";
import { MODEL_PRESETS } from "./model-presets.js";
import { resolveDevice } from "./sim-device.js";
import { SimulatedExecutor } from "./simulated-executor.js";
import { VirtualClock } from "./virtual-clock.js";

const model = MODEL_PRESETS["llama-2-7b"] as NonNullable<(typeof MODEL_PRESETS)["llama-2-7b"]>;
const cost = new CostModel(model.shape, resolveDevice("a100-80gb"));

function setup(seed = 1) {
  const clock = new VirtualClock();
  const scheduler = new Scheduler({
    kvCache: new KVCacheManager({ numBlocks: 64, blockSize: 16 }),
    maxNumSeqs: 8,
    maxNumBatchedTokens: 64,
    eosTokenIds: [2],
    clock: () => clock.nowMs(),
  });
  const executor = new SimulatedExecutor({ costModel: cost, clock, seed, avoidTokenIds: [2] });
  return { clock, scheduler, executor };
}

function run(seed: number) {
  const { clock, scheduler, executor } = setup(seed);
  const prompt = (n: number) => Array.from({ length: n }, (_, i) => 3 + i);
  scheduler.addRequest({ requestId: "a", promptTokenIds: prompt(40), params: greedyParams(5) });
  scheduler.addRequest({ requestId: "b", promptTokenIds: prompt(7), params: greedyParams(3) });
  const tokens: Record<string, number[]> = { a: [], b: [] };
  let expected = 0;
  const shapes: string[] = [];
  while (scheduler.hasUnfinished()) {
    const out = scheduler.schedule();
    const result = executor.executeSync(out);
    const step = executor.lastStep;
    if (step === null) throw new Error("no step recorded");
    expected += cost.time(step.batch).seconds;
    shapes.push(`${Array.from(step.batch.numNewTokens)}@${Array.from(step.batch.numContextTokens)}`);
    for (const u of scheduler.update(out, result)) tokens[u.requestId]?.push(...u.newTokenIds);
  }
  return { tokens, clock: clock.now(), expected, shapes, executor };
}

describe("SimulatedExecutor under the real scheduler", () => {
  it("advances the clock by each step's roofline time and sees the true batch shapes", () => {
    const r = run(1);
    expect(r.clock).toBeCloseTo(r.expected, 12);
    // Budget 64: the 40-token prefill and the 7-token one share step 1, then both decode.
    expect(r.shapes[0]).toBe("40,7@0,0");
    expect(r.shapes[1]).toBe("1,1@40,7");
    expect(r.shapes.at(-1)).toBe("1@43"); // the 5th token is sampled after position 43
    expect(r.executor.numRequests).toBe(1); // "a" is dropped when the next step names it finished
  });

  it("generates exactly maxTokens per request, never the EOS id, the same for the same seed", () => {
    const r = run(1);
    expect(r.tokens.a).toHaveLength(5);
    expect(r.tokens.b).toHaveLength(3);
    for (const t of [...(r.tokens.a ?? []), ...(r.tokens.b ?? [])]) {
      expect(t).not.toBe(2);
      expect(t).toBeLessThan(32000);
    }
    expect(run(1).tokens).toEqual(r.tokens);
    expect(run(2).tokens).not.toEqual(r.tokens);
  });

  it("rejects a diff for a request it never saw", () => {
    const { executor } = setup();
    try {
      executor.executeSync({
        step: 0,
        scheduledNewReqs: [],
        scheduledCachedReqs: [{ requestId: "ghost", newBlockIds: [], numComputedTokens: 3 }],
        numScheduledTokens: { ghost: 1 },
        totalNumScheduledTokens: 1,
        finishedReqIds: [],
        preemptedReqIds: [],
        blockCopies: [],
        swapOut: [],
        swapIn: [],
      });
      expect.unreachable();
    } catch (err) {
      expect(isPagodaError(err, "bench.bad_step")).toBe(true);
    }
  });
});
