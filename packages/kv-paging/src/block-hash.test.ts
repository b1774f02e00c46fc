import { describe, expect, it } from "vitest";
import { extraKeysId, hashBlockTokens, hashString, ROOT_BLOCK_HASH } from "./block-hash.js";
import { seededRandom } from "./length-trace.js";

const h = (parent: number, tokens: number[], extra = 0) =>
  hashBlockTokens(parent, tokens, 0, tokens.length, extra);

describe("hashBlockTokens", () => {
  it("is a deterministic non-negative safe integer of about 53 bits", () => {
    const x = h(ROOT_BLOCK_HASH, [1, 2, 3, 4]);
    expect(x).toBe(h(ROOT_BLOCK_HASH, [1, 2, 3, 4]));
    expect(Number.isSafeInteger(x) && x >= 0).toBe(true);
    expect(h(ROOT_BLOCK_HASH, [1, 2, 3, 4], 0)).toBe(
      hashBlockTokens(ROOT_BLOCK_HASH, [9, 1, 2, 3, 4, 9], 1, 5, 0),
    );
  });

  it("covers the parent hash, every token, their order and the extra key", () => {
    const base = h(ROOT_BLOCK_HASH, [1, 2, 3, 4]);
    const variants = [
      h(ROOT_BLOCK_HASH + 1, [1, 2, 3, 4]),
      h(ROOT_BLOCK_HASH, [1, 2, 3, 5]),
      h(ROOT_BLOCK_HASH, [2, 1, 3, 4]),
      h(ROOT_BLOCK_HASH, [1, 2, 3, 4], 17),
      h(ROOT_BLOCK_HASH, [1, 2, 3]),
      h(2 ** 40 + ROOT_BLOCK_HASH, [1, 2, 3, 4]),
    ];
    for (const v of variants) expect(v).not.toBe(base);
  });

  it("chains: the same block after different prefixes hashes differently", () => {
    const a = h(h(ROOT_BLOCK_HASH, [1, 1]), [5, 5]);
    const b = h(h(ROOT_BLOCK_HASH, [2, 2]), [5, 5]);
    expect(a).not.toBe(b);
  });

  it("spreads 200,000 random blocks without a collision, over both 32-bit halves", () => {
    const random = seededRandom(42);
    const seen = new Set<number>();
    const high = new Set<number>();
    for (let i = 0; i < 200_000; i++) {
      const tokens = Array.from({ length: 16 }, () => Math.floor(random() * 32_000));
      const x = h(ROOT_BLOCK_HASH, tokens);
      seen.add(x);
      high.add(Math.floor(x / 2 ** 32));
    }
    expect(seen.size).toBe(200_000);
    expect(high.size).toBeGreaterThan(190_000);
  });
});

describe("extra keys", () => {
  it("give one canonical id per distinct (model, adapter, salt), empty for none", () => {
    expect(extraKeysId(undefined)).toBe("");
    expect(extraKeysId({})).toBe("");
    expect(extraKeysId({ modelId: "m" })).toBe(extraKeysId({ modelId: "m", adapterId: "" }));
    expect(extraKeysId({ modelId: "a", cacheSalt: "b" })).not.toBe(extraKeysId({ modelId: "a,b" }));
    expect(extraKeysId({ adapterId: "x" })).not.toBe(extraKeysId({ cacheSalt: "x" }));
  });

  it("hash strings to 32-bit values, 0 for the empty string", () => {
    expect(hashString("")).toBe(0);
    expect(hashString("tenant-1")).not.toBe(hashString("tenant-2"));
    expect(hashString("tenant-1")).toBeLessThan(2 ** 32);
  });
});
