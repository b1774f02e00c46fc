import { describe, expect, it } from "vitest";
import { NgramProposer } from "./ngram-proposer.js";

async function propose(tokenIds: number[], maxDrafts: number, ngramMin = 1, ngramMax = 3) {
  const p = new NgramProposer({ ngramMin, ngramMax });
  return (await p.propose([{ requestId: "a", tokenIds, maxDrafts }])).get("a") ?? [];
}

// What prompt lookup must return, the slow way: scan every earlier position for each n.
function naive(t: readonly number[], k: number, ngramMin: number, ngramMax: number): number[] {
  const end = t.length - 1;
  for (let n = Math.min(ngramMax, end); n >= ngramMin; n--) {
    for (let at = end - 1; at >= n - 1; at--) {
      let same = true;
      for (let i = 0; i < n && same; i++) same = t[at - i] === t[end - i];
      if (!same) continue;
      // Past the end, the copy reads its own drafts (the text repeats with period end - at).
      const out = [...t];
      for (let j = 0; j < k; j++) out.push(out[at + 1 + j] as number);
      return out.slice(t.length);
    }
  }
  return [];
}

describe("NgramProposer", () => {
  it("proposes what followed the last n tokens before", async () => {
    expect(await propose([5, 6, 7, 8, 5, 6], 2)).toEqual([7, 8]);
  });

  it("prefers the longest n-gram, then the latest occurrence", async () => {
    // "1 2" was followed by 9; the later "2" alone by 7.
    const t = [1, 2, 9, 3, 2, 7, 1, 2];
    expect(await propose(t, 1, 1, 2)).toEqual([9]);
    expect(await propose(t, 1, 1, 1)).toEqual([7]);
    // "4 5" occurs twice before the end: the latest one counts.
    expect(await propose([4, 5, 1, 4, 5, 2, 4, 5], 3)).toEqual([2, 4, 5]);
  });

  it("reads on into its own drafts when the match ends less than k tokens before the end (a loop)", async () => {
    // "3" recurs 2 tokens later: the text is taken to go on 4 3 4 3 …
    expect(await propose([3, 4, 3], 5)).toEqual([4, 3, 4, 3, 4]);
    // A loop of period 1, as greedy decoding of a random model falls into.
    expect(await propose([9, 2, 5, 5, 5], 4, 2, 3)).toEqual([5, 5, 5, 5]);
    // Enough tokens after the match: the copy never reaches its drafts.
    expect(await propose([1, 2, 3, 4, 5, 1, 2], 3, 2, 2)).toEqual([3, 4, 5]);
  });

  it("proposes nothing without a match", async () => {
    expect(await propose([1, 2, 3, 4], 3)).toEqual([]);
    expect(await propose([7], 3)).toEqual([]);
    // ngramMin 2: a single repeated token is not enough.
    expect(await propose([8, 1, 2, 8], 2, 2, 3)).toEqual([]);
    expect(await propose([5, 6, 7, 8, 5, 6], 0)).toEqual([]);
  });

  it("matches a brute-force search as tokens are appended, and after a request's tokens change", async () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (const [ngramMin, ngramMax] of [
      [1, 1],
      [1, 4],
      [2, 3],
      [3, 6],
    ] as const) {
      const p = new NgramProposer({ ngramMin, ngramMax });
      for (let r = 0; r < 6; r++) {
        const t: number[] = [];
        const alphabet = 2 + rand(5);
        for (let step = 0; step < 120; step++) {
          const grow = 1 + rand(4);
          for (let i = 0; i < grow; i++) t.push(rand(alphabet));
          const k = 1 + rand(5);
          const got = (await p.propose([{ requestId: `r${r % 2}`, tokenIds: t, maxDrafts: k }])).get(
            `r${r % 2}`,
          );
          expect(got ?? []).toEqual(naive(t, k, ngramMin, ngramMax));
        }
      }
    }
  });

  it("costs O(ngramMax) per step however long the prompt (incremental index)", async () => {
    const timeSteps = async (promptLen: number) => {
      const p = new NgramProposer({ ngramMin: 1, ngramMax: 4 });
      const t = Array.from({ length: promptLen }, (_, i) => (i * 7919) % 3001);
      await p.propose([{ requestId: "a", tokenIds: t, maxDrafts: 4 }]);
      const start = performance.now();
      for (let s = 0; s < 400; s++) {
        t.push((s * 31) % 3001);
        await p.propose([{ requestId: "a", tokenIds: t, maxDrafts: 4 }]);
      }
      return performance.now() - start;
    };
    await timeSteps(1000); // warm-up
    const short = await timeSteps(1000);
    const long = await timeSteps(100_000);
    // A scan of the tokens each step would make the 100× longer prompt ~100× slower.
    expect(long).toBeLessThan(short * 10 + 20);
  });

  it("drop forgets a request", async () => {
    const p = new NgramProposer({ ngramMin: 1, ngramMax: 2 });
    await p.propose([{ requestId: "a", tokenIds: [1, 2, 1], maxDrafts: 1 }]);
    expect(p.numRequests).toBe(1);
    p.drop("a");
    expect(p.numRequests).toBe(0);
  });
});
