import { CpuExecutor } from "@pagoda/executor";
import { describe, expect, it } from "vitest";
import { goldenCases, stories } from "../testing/stories.js";
import { DraftModelProposer } from "./draft-model-proposer.js";

async function storiesProposer(numBlocks = 64, maxModelLen?: number) {
  const { model, weights } = await stories();
  const executor = new CpuExecutor(model.config, weights, { numBlocks, blockSize: 16 });
  return new DraftModelProposer({
    executor,
    numBlocks,
    blockSize: 16,
    maxNumBatchedTokens: 256,
    maxNumSeqs: 8,
    maxModelLen: maxModelLen ?? model.config.maxPositionEmbeddings,
  });
}

describe("DraftModelProposer", () => {
  it("with the target as its draft, proposes exactly the target's greedy continuation", async () => {
    const p = await storiesProposer();
    const cases = goldenCases().slice(1, 4);
    const at = [0, 9, 40];
    const batch = cases.flatMap((c, ci) =>
      at.map((i) => ({
        requestId: `c${ci}-${i}`,
        tokenIds: [...c.promptIds, ...c.completionIds.slice(0, i)],
        maxDrafts: 4,
      })),
    );
    const drafts = await p.propose(batch);
    cases.forEach((c, ci) => {
      for (const i of at) expect(drafts.get(`c${ci}-${i}`)).toEqual(c.completionIds.slice(i, i + 4));
    });
    await p.close();
  });

  it("walks a sequence as the engine does (some drafts accepted, then one more token), staying exact", async () => {
    const p = await storiesProposer();
    const c = goldenCases()[2] as ReturnType<typeof goldenCases>[number];
    let n = 0;
    for (let step = 0; n + 4 < c.completionIds.length && step < 30; step++) {
      const tokenIds = [...c.promptIds, ...c.completionIds.slice(0, n)];
      const d = (await p.propose([{ requestId: "a", tokenIds, maxDrafts: 4 }])).get("a");
      expect(d).toEqual(c.completionIds.slice(n, n + 4));
      // Accept step % 5 of the drafts (0 to 4), then the target's own next token.
      n += (step % 5) + 1;
    }
    await p.close();
  });

  it("keeps drafts within the draft model's length", async () => {
    const p = await storiesProposer(64, 40);
    const tokens = goldenCases()[1]?.completionIds.slice(0, 38) as number[];
    const d = (await p.propose([{ requestId: "a", tokenIds: tokens, maxDrafts: 5 }])).get("a");
    expect(d?.length).toBe(3); // positions 38..39 hold drafts 1..2 as inputs; draft 3 is sampled at 39
    const none = await p.propose([{ requestId: "b", tokenIds: [...tokens, 1, 2, 3], maxDrafts: 5 }]);
    expect(none.has("b")).toBe(false);
    await p.close();
  });

  it("when blocks run out, evicts requests left out of the call, then proposes nothing rather than fail", async () => {
    // 8 usable blocks of 16: a 60-token request with 3 drafts needs 4.
    const p = await storiesProposer(9);
    const tokens = goldenCases()[1]?.completionIds.slice(0, 60) as number[];
    const r = (id: string) => ({ requestId: id, tokenIds: tokens, maxDrafts: 4 });
    const first = await p.propose([r("a"), r("b")]);
    expect(first.get("a")?.length).toBe(4);
    expect(first.get("b")).toEqual(first.get("a"));
    expect(p.numFreeBlocks).toBe(0);
    // c needs blocks: a (not in this call) is evicted for it; b keeps its cache.
    const second = await p.propose([r("b"), r("c")]);
    expect(second.get("c")).toEqual(first.get("a"));
    expect(p.numRequests).toBe(2);
    // Three at once cannot fit: the third gets no drafts.
    const third = await p.propose([r("b"), r("c"), r("d")]);
    expect(third.has("d")).toBe(false);
    expect(third.get("b")).toEqual(first.get("a"));
    await p.close();
  });
});

describe("DraftModelProposer and aborts", () => {
  it("a request dropped while its round awaits the executor takes no further step; the others get their drafts", async () => {
    const { model, weights } = await stories();
    const inner = new CpuExecutor(model.config, weights, { numBlocks: 64, blockSize: 16 });
    let proposer: DraftModelProposer | null = null;
    let calls = 0;
    const executor = {
      execute: async (step: Parameters<typeof inner.execute>[0]) => {
        const out = await inner.execute(step);
        if (++calls === 2) proposer?.drop("a"); // between the draft's second and third passes
        return out;
      },
      close: () => inner.close(),
    };
    proposer = new DraftModelProposer({
      executor,
      numBlocks: 64,
      blockSize: 16,
      maxNumBatchedTokens: 256,
      maxNumSeqs: 8,
      maxModelLen: model.config.maxPositionEmbeddings,
    });
    const c = goldenCases()[1] as ReturnType<typeof goldenCases>[number];
    const tokenIds = [...c.promptIds, ...c.completionIds.slice(0, 10)];
    const drafts = await proposer.propose([
      { requestId: "a", tokenIds, maxDrafts: 4 },
      { requestId: "b", tokenIds, maxDrafts: 4 },
    ]);
    expect(drafts.has("a")).toBe(false);
    expect(drafts.get("b")).toEqual(c.completionIds.slice(10, 14));
    expect(proposer.numRequests).toBe(1);
    // The next round runs clean (the executor forgot a's id; b goes on).
    const next = await proposer.propose([
      { requestId: "b", tokenIds: [...tokenIds, c.completionIds[10] as number], maxDrafts: 4 },
    ]);
    expect(next.get("b")).toEqual(c.completionIds.slice(11, 15));
    await proposer.close();
  });
});
