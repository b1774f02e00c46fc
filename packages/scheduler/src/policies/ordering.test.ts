import { describe, expect, it } from "vitest";
import type { RequestView } from "../request.js";
import { Harness, type HarnessOptions, prompt } from "../testing/harness.js";
import { FairPolicy } from "./fair.js";
import type { SchedulingPolicy } from "./policy.js";
import { SjfPolicy } from "./sjf.js";
import { SloPolicy } from "./slo.js";

/** One seat: requests run one at a time, so admission order is the policy's order. */
function oneSeat(policy: string | SchedulingPolicy, extra: Partial<HarnessOptions> = {}): Harness {
  return new Harness({
    numBlocks: 256,
    blockSize: 4,
    maxNumBatchedTokens: 64,
    maxNumSeqs: 1,
    policy,
    ...extra,
  });
}

function admissionOrder(h: Harness): string[] {
  const order: string[] = [];
  for (const o of h.outputs)
    for (const r of o.scheduledNewReqs) if (!order.includes(r.requestId)) order.push(r.requestId);
  return order;
}

const view = (v: Partial<RequestView>) =>
  ({ seq: 0, arrivalTime: 0, lastTokenTime: null, ...v }) as RequestView;

describe("fcfs", () => {
  it("serves in arrival order", () => {
    const h = oneSeat("fcfs");
    ["c", "a", "b"].forEach((id, i) => {
      h.now = i;
      h.add(id, prompt(4 + 10 * i, i), 2);
    });
    h.run();
    expect(admissionOrder(h)).toEqual(["c", "a", "b"]);
  });
});

describe("sjf", () => {
  it("serves the shortest prompt first", () => {
    const h = oneSeat("sjf");
    h.add("long", prompt(40, 1), 2);
    h.add("short", prompt(4, 2), 2);
    h.add("mid", prompt(12, 3), 2);
    h.run();
    expect(admissionOrder(h)).toEqual(["short", "mid", "long"]);
  });

  it("ages: an L-token prompt is overtaken only by arrivals within (L - 1) / rate seconds", () => {
    const sjf = new SjfPolicy({ agingTokensPerSecond: 1_000 });
    const long = view({ numPromptTokens: 40, arrivalTime: 0, seq: 0 });
    expect(sjf.compareWaiting(view({ numPromptTokens: 1, arrivalTime: 38, seq: 1 }), long)).toBeLessThan(0);
    expect(sjf.compareWaiting(view({ numPromptTokens: 1, arrivalTime: 40, seq: 2 }), long)).toBeGreaterThan(
      0,
    );
  });
});

describe("slo", () => {
  it("serves the earliest TTFT deadline first and preempts the latest deadline", () => {
    const h = oneSeat("slo");
    h.add("lax", prompt(4, 1), 2, { ttftTargetMs: 5_000 });
    h.add("default", prompt(4, 2), 2);
    h.now = 10;
    h.add("urgent", prompt(4, 3), 2, { ttftTargetMs: 100 });
    h.run();
    expect(admissionOrder(h)).toEqual(["urgent", "lax", "default"]);
    const slo = new SloPolicy();
    const tight = view({ requestId: "t", lastTokenTime: 100, tpotTargetMs: 20 });
    const loose = view({ requestId: "l", lastTokenTime: 100, tpotTargetMs: 80 });
    expect(slo.pickVictim([loose, tight])).toBe(loose);
  });

  // 5 ms per step plus 1/16 ms per token: a 10 ms TPOT target leaves room for 80 tokens a step.
  const costModel = { stepBaseMs: 5, stepPerTokenMs: 0.0625 };

  it("cuts prefill chunks so that decoding requests keep their TPOT", () => {
    const h = new Harness({
      numBlocks: 512,
      blockSize: 4,
      maxNumBatchedTokens: 512,
      maxNumSeqs: 8,
      policy: "slo",
      policyOptions: costModel,
    });
    h.add("dec", prompt(4, 1), 6, { tpotTargetMs: 10 });
    h.step();
    h.add("long", prompt(400, 2), 2);
    expect(h.step().out.numScheduledTokens).toEqual({ dec: 1, long: 79 });
    expect(h.step().out.numScheduledTokens).toEqual({ dec: 1, long: 79 });
    h.run();
    const chunks = h.outputs.map((o) => o.numScheduledTokens.long ?? 0).filter((n) => n > 0);
    expect(chunks.slice(0, 6)).toEqual([79, 79, 79, 79, 79, 5]); // dec finished after 5 decodes: the rest in one chunk
  });

  it("keeps a new prefill waiting when not even a minimal chunk fits, and admits it when decoding ends", () => {
    const h = new Harness({
      numBlocks: 512,
      blockSize: 4,
      maxNumBatchedTokens: 512,
      maxNumSeqs: 8,
      policy: "slo",
      policyOptions: costModel,
    });
    h.add("dec", prompt(4, 1), 5, { tpotTargetMs: 5.5 }); // room for 8 tokens: below the 16-token minimum
    h.step();
    h.add("long", prompt(100, 2), 2);
    for (let i = 0; i < 4; i++) expect(h.step().out.numScheduledTokens.long).toBeUndefined();
    expect(h.step().out.numScheduledTokens.long).toBe(100);
  });
});

describe("fair", () => {
  it("interleaves a light tenant with a heavy one that queued first", () => {
    const h = oneSeat("fair");
    for (let i = 0; i < 6; i++) h.add(`heavy${i}`, prompt(8, i), 4, { tenant: "heavy" });
    h.step();
    h.now = 10;
    h.add("light0", prompt(8, 10), 4, { tenant: "light" });
    h.add("light1", prompt(8, 11), 4, { tenant: "light" });
    h.run();
    const order = admissionOrder(h);
    expect(order.indexOf("light1")).toBeLessThan(order.indexOf("heavy3"));
    expect(order.slice(0, 2)).toEqual(["heavy0", "light0"]);
  });

  it("bills weighted tokens and lifts a returning tenant to the least active counter", () => {
    const fair = new FairPolicy({ weights: { gold: 2 }, inputTokenCost: 1, outputTokenCost: 2 });
    const gold = view({ tenant: "gold" });
    const free = view({ tenant: "free", seq: 1 });
    fair.onArrival(gold);
    fair.onTokensServed(gold, 9, 1); // 8 input + 1 output = 10 units, weight 2
    expect(fair.counter("gold")).toBe(5);
    fair.onArrival(free);
    expect(fair.counter("free")).toBe(5);
    expect(fair.compareWaiting(free, gold)).toBeGreaterThan(0); // equal counters: arrival decides
    fair.onTokensServed(free, 10, 0);
    expect(fair.compareWaiting(gold, free)).toBeLessThan(0);
  });
});

describe("a user policy whose order changes", () => {
  it("gets its queue rebuilt when reorderWaiting says so", () => {
    let newestFirst = false;
    let changed = false;
    const flip: SchedulingPolicy = {
      name: "flip",
      compareWaiting: (a, b) => (newestFirst ? b.seq - a.seq : a.seq - b.seq),
      pickVictim: (candidates) => candidates[candidates.length - 1] as RequestView,
      reorderWaiting: () => {
        const c = changed;
        changed = false;
        return c;
      },
    };
    const h = oneSeat(flip);
    for (let i = 0; i < 5; i++) h.add(`q${i}`, prompt(4, i), 2);
    h.step();
    newestFirst = true;
    changed = true;
    h.run();
    expect(admissionOrder(h)).toEqual(["q0", "q4", "q3", "q2", "q1"]);
  });
});
