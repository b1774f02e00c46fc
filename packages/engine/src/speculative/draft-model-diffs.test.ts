import { CpuExecutor } from "@pagoda/executor";
import type { Executor, SchedulerOutput } from "@pagoda/scheduler";
import { describe, expect, it } from "vitest";
import { goldenCases, stories } from "../testing/stories.js";
import { DraftModelProposer } from "./draft-model-proposer.js";

/** What crossed to the executor since the last `take()`: requests sent in full, token ids in all. */
interface Crossed {
  full: number;
  tokens: number;
}

// Wraps an executor to count what each step carries: whole requests and token ids (theirs and diffs').
function recording(inner: Executor): { executor: Executor; take: () => Crossed } {
  let crossed: Crossed = { full: 0, tokens: 0 };
  const executor: Executor = {
    execute: (step: SchedulerOutput) => {
      for (const r of step.scheduledNewReqs) {
        crossed.full++;
        crossed.tokens += r.tokenIds.length;
      }
      for (const r of step.scheduledCachedReqs) crossed.tokens += r.newTokenIds?.length ?? 0;
      return inner.execute(step);
    },
    close: () => inner.close(),
  };
  const take = () => {
    const c = crossed;
    crossed = { full: 0, tokens: 0 };
    return c;
  };
  return { executor, take };
}

async function proposer(executor?: (inner: Executor) => Executor) {
  const { model, weights } = await stories();
  const inner = new CpuExecutor(model.config, weights, { numBlocks: 64, blockSize: 16 });
  return new DraftModelProposer({
    executor: executor ? executor(inner) : inner,
    numBlocks: 64,
    blockSize: 16,
    maxNumBatchedTokens: 64,
    maxNumSeqs: 4,
    maxModelLen: model.config.maxPositionEmbeddings,
  });
}

describe("DraftModelProposer sends the draft executor diffs", () => {
  const c = goldenCases()[1] as ReturnType<typeof goldenCases>[number];
  const upTo = (n: number) => [...c.promptIds, ...c.completionIds.slice(0, n)];

  it("a long prompt crosses once; each later round carries only the target's new tokens, drafts staying exact", async () => {
    let rec: ReturnType<typeof recording> | undefined;
    const p = await proposer((inner) => {
      rec = recording(inner);
      return rec.executor;
    });
    const take = () => (rec as ReturnType<typeof recording>).take();
    let n = 150; // a 155-token "prompt", caught up in three chunks of the 64-token budget
    for (let round = 0; round < 12; round++) {
      const d = (await p.propose([{ requestId: "a", tokenIds: upTo(n), maxDrafts: 4 }])).get("a");
      expect(d).toEqual(c.completionIds.slice(n, n + 4));
      const crossed = take();
      if (round === 0) expect(crossed).toEqual({ full: 1, tokens: 155 });
      // The last round accepted (round - 1) % 5 of its 4 drafts: the cache already holds the first 3
      // drafts, so only the target's next token crosses, and draft 4 (sampled, never computed)
      // when all 4 were accepted.
      else expect(crossed).toEqual({ full: 0, tokens: (round - 1) % 5 === 4 ? 2 : 1 });
      n += (round % 5) + 1;
    }

    // A rewrite at position 100 (a fork's or a preemption's history would differ the same way) is
    // a diff too: the cache keeps the 100 tokens it agrees on, the executor gets the rest.
    const forked = upTo(n);
    forked[100] = ((forked[100] as number) + 1) % 512;
    const fresh = await proposer();
    const expected = (await fresh.propose([{ requestId: "x", tokenIds: forked, maxDrafts: 4 }])).get("x");
    await fresh.close();
    expect((await p.propose([{ requestId: "a", tokenIds: forked, maxDrafts: 4 }])).get("a")).toEqual(
      expected,
    );
    expect(take()).toEqual({ full: 0, tokens: forked.length - 100 });

    // Dropped (finished, aborted or evicted): the next time it arrives in full.
    p.drop("a");
    await p.propose([{ requestId: "a", tokenIds: forked, maxDrafts: 4 }]);
    expect(take()).toEqual({ full: 1, tokens: forked.length });
    await p.close();
  });
});
