import { isPagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { planDecode } from "./decode-plan.js";
import { choosePrefillTile } from "./prefill-attention.js";
import { prefillTileBytes } from "./prefill-attention.wgsl.js";

const QWEN3 = { numHeads: 16, numKvHeads: 8, headDim: 128 };

describe("planDecode", () => {
  it("splits long contexts into 256-token partitions with a 256-aligned statistics area", () => {
    const plan = planDecode(QWEN3, 32, 4096);
    expect(plan.partSize).toBe(256);
    expect(plan.numParts).toBe(16);
    const rows = 32 * 16 * 16;
    expect(plan.statsOffset).toBe(rows * 128 * 4);
    expect(plan.workspaceBytes).toBe(plan.statsOffset + rows * 8);
  });

  it("needs no workspace for a context within one partition", () => {
    expect(planDecode(QWEN3, 8, 256)).toEqual({
      partSize: 256,
      numParts: 1,
      workspaceBytes: 0,
      statsOffset: 0,
    });
  });

  it("shrinks the partition so a wide GQA group's scores fit workgroup memory", () => {
    expect(planDecode({ numHeads: 64, numKvHeads: 1, headDim: 64 }, 1, 1000).partSize).toBe(32);
  });

  it("rejects a GQA group wider than the workgroup", () => {
    try {
      planDecode({ numHeads: 256, numKvHeads: 1, headDim: 64 }, 1, 10);
      expect.unreachable();
    } catch (err) {
      expect(isPagodaError(err, "attention.bad_heads")).toBe(true);
    }
  });
});

describe("choosePrefillTile", () => {
  it("takes the largest tile that fits the device's workgroup memory", () => {
    expect(choosePrefillTile(128, 32768)).toEqual({ rows: 16, keys: 16, headTile: 128 });
    expect(choosePrefillTile(128, 16384)).toEqual({ rows: 8, keys: 8, headTile: 128 });
    expect(choosePrefillTile(8, 16384)).toEqual({ rows: 16, keys: 16, headTile: 16 });
    expect(prefillTileBytes(choosePrefillTile(256, 16384))).toBeLessThanOrEqual(16384);
  });
});
