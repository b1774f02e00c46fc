import { expect, it } from "vitest";
import type { DraftRequest, Proposer } from "../proposer.js";

/** A proposer under test, fresh for each case. */
export interface ProposerUnderTest {
  proposer: Proposer;
  /** Token ids must be below it. */
  vocabSize: number;
  /** Blocks its cache holds now (0 for a proposer without one). */
  blocksInUse: () => number;
}

/** Token sequences the cases draw on: real text (which repeats itself) from the model's vocabulary. */
export interface SuiteInputs {
  /** Several sequences of at least 40 tokens. */
  sequences: readonly (readonly number[])[];
  /** A sequence longer than the proposer's per-step token budget. */
  longSequence: readonly number[];
}

const req = (requestId: string, tokenIds: readonly number[], maxDrafts: number): DraftRequest => ({
  requestId,
  tokenIds,
  maxDrafts,
});

/**
 * The conformance cases every {@link Proposer} passes: at most k in-vocabulary drafts, the same
 * drafts for the same tokens (whatever came before, whatever else is in the batch), state and
 * blocks freed by `drop`, many requests and long prompts at once.
 */
export function proposerSuite(make: () => Promise<ProposerUnderTest>, inputs: SuiteInputs): void {
  const seqs = inputs.sequences;

  it("proposes at most k drafts, every one a token id of the vocabulary", async () => {
    const t = await make();
    let proposed = 0;
    for (const k of [1, 3, 5]) {
      const batch = seqs.map((s, i) => req(`k${k}-${i}`, s, k));
      const drafts = await t.proposer.propose(batch);
      for (const d of drafts.values()) {
        expect(d.length).toBeLessThanOrEqual(k);
        for (const id of d) expect(Number.isInteger(id) && id >= 0 && id < t.vocabSize).toBe(true);
        proposed += d.length;
      }
    }
    expect(proposed).toBeGreaterThan(0); // the inputs repeat themselves: something is proposed
    await t.proposer.close();
  });

  it("is deterministic: the same tokens get the same drafts, alone or batched, fresh or after other tokens", async () => {
    const a = await make();
    const b = await make();
    const k = 4;
    const batched = await a.proposer.propose(seqs.map((s, i) => req(`r${i}`, s, k)));
    for (const [i, s] of seqs.entries()) {
      const alone = await b.proposer.propose([req(`solo${i}`, s, k)]);
      expect(alone.get(`solo${i}`) ?? []).toEqual(batched.get(`r${i}`) ?? []);
    }
    // Request r0 now holds other tokens (a fork, a preemption): drafts are those of a fresh proposer.
    const other = seqs[1] as readonly number[];
    const again = await a.proposer.propose([req("r0", other, k)]);
    expect(again.get("r0") ?? []).toEqual(batched.get("r1") ?? []);
    // Rejected drafts: r1 goes on with tokens its drafts did not predict.
    const grown = [...other, ...(other.slice(3, 9) as number[])];
    const healed = await a.proposer.propose([req("r1", grown, k)]);
    const fresh = await b.proposer.propose([req("fresh", grown, k)]);
    expect(healed.get("r1") ?? []).toEqual(fresh.get("fresh") ?? []);
    await a.proposer.close();
    await b.proposer.close();
  });

  it("drop frees each request's state and blocks", async () => {
    const t = await make();
    await t.proposer.propose(seqs.map((s, i) => req(`d${i}`, s, 3)));
    expect(t.proposer.numRequests).toBe(seqs.length);
    for (let i = 0; i < seqs.length; i++) t.proposer.drop(`d${i}`);
    t.proposer.drop("never-seen");
    expect(t.proposer.numRequests).toBe(0);
    expect(t.blocksInUse()).toBe(0);
    // Dropped requests can come back under the same ids.
    const back = await t.proposer.propose([req("d0", seqs[0] as readonly number[], 3)]);
    expect(back.size).toBeLessThanOrEqual(1);
    expect(t.proposer.numRequests).toBe(1);
    await t.proposer.close();
  });

  it("serves many requests in one call, each as if alone", async () => {
    const t = await make();
    const solo = await make();
    const many = Array.from({ length: 40 }, (_, i) => {
      const s = seqs[i % seqs.length] as readonly number[];
      return req(`m${i}`, s.slice(0, s.length - (i % 7)), 1 + (i % 4));
    });
    const drafts = await t.proposer.propose(many);
    for (const r of many.filter((_, i) => i % 9 === 0)) {
      const alone = await solo.proposer.propose([r]);
      expect(drafts.get(r.requestId) ?? []).toEqual(alone.get(r.requestId) ?? []);
    }
    await t.proposer.close();
    await solo.proposer.close();
  });

  it("takes a prompt longer than its step budget, beside short ones", async () => {
    const t = await make();
    const solo = await make();
    const long = inputs.longSequence;
    const batch = [req("long", long, 4), ...seqs.map((s, i) => req(`s${i}`, s, 4))];
    const drafts = await t.proposer.propose(batch);
    const alone = await solo.proposer.propose([req("long", long, 4)]);
    expect(drafts.get("long") ?? []).toEqual(alone.get("long") ?? []);
    // The next step, one token on: still consistent with a fresh look.
    const next = [...long, (drafts.get("long") ?? [long[0] as number])[0] as number];
    const step2 = await t.proposer.propose([req("long", next, 4)]);
    const fresh = await solo.proposer.propose([req("fresh", next, 4)]);
    expect(step2.get("long") ?? []).toEqual(fresh.get("fresh") ?? []);
    await t.proposer.close();
    await solo.proposer.close();
  });
}
