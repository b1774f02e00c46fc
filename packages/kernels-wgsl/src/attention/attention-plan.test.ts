import { isPagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { planDecode, workspaceLayout } from "./decode-plan.js";
import { choosePrefillTile } from "./prefill-attention.js";
import { prefillTileBytes } from "./prefill-attention.wgsl.js";

const QWEN3 = { numHeads: 16, numKvHeads: 8, headDim: 128 };

describe("planDecode", () => {
  it("splits long contexts into 256-token partitions with a 256-aligned statistics area", () => {
    const plan = planDecode(QWEN3, 32, 4096);
    expect(plan.partSize).toBe(256);
    expect(plan.numParts).toBe(16);
    expect(plan.partialRows).toBe(32 * 16 * 16);
    expect(plan.workspaceBytes).toBe(plan.partialRows * (128 * 4 + 8) + 256);
  });

  it("needs no workspace for a context within one partition", () => {
    expect(planDecode(QWEN3, 8, 256)).toEqual({
      partSize: 256,
      numParts: 1,
      partialRows: 0,
      workspaceBytes: 0,
    });
  });

  it("shrinks the partition so a wide GQA group's scores fit workgroup memory", () => {
    expect(planDecode({ numHeads: 64, numKvHeads: 1, headDim: 64 }, 1, 1000).partSize).toBe(24);
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

describe("workspaceLayout", () => {
  it("fits the rows a plan asks for, statistics 256-aligned after the outputs, for any head dim", () => {
    for (const headDim of [8, 64, 96, 128]) {
      for (const numSeqs of [1, 3, 32]) {
        const plan = planDecode({ numHeads: 4, numKvHeads: 2, headDim }, numSeqs, 2000, 64);
        const layout = workspaceLayout(plan.workspaceBytes, headDim);
        expect(layout.rows).toBeGreaterThanOrEqual(plan.partialRows);
        expect(layout.statsOffset % 256).toBe(0);
        expect(layout.statsOffset).toBeGreaterThanOrEqual(plan.partialRows * headDim * 4);
        expect(layout.statsBytes).toBeGreaterThanOrEqual(plan.partialRows * 8);
      }
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
