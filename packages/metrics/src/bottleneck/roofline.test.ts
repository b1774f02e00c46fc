import { isPagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { DEVICE_PROFILES, ridgePoint } from "./device-profiles.js";
import { LLAMA_2_7B } from "./model-presets.js";
import { kvBytesPerToken, type ModelShape, modelParamCounts, validateModelShape } from "./model-shape.js";
import { analyzeStep, classifyStep } from "./roofline.js";
import { stepCost } from "./step-cost.js";

describe("step cost on a tiny model, every term by hand", () => {
  // d=4, 2 query heads sharing 1 KV head of dim 2, plain FFN of 8, vocab 10.
  const tiny: ModelShape = {
    numLayers: 1,
    hiddenSize: 4,
    numHeads: 2,
    numKvHeads: 1,
    headDim: 2,
    intermediateSize: 8,
    vocabSize: 10,
    weightBytesPerParam: 1,
    kvBytesPerElement: 2,
    gatedFfn: false,
  };

  it("counts parameters and KV bytes", () => {
    // Attention 4·2·(2·2 + 2·1) = 48, FFN 2·4·8 = 64, LM head 10·4 = 40.
    expect(modelParamCounts(tiny)).toEqual({ perLayer: 112, lmHead: 40, total: 152 });
    expect(kvBytesPerToken(tiny)).toBe(8); // K and V · 1 layer · 1 head · dim 2 · 2 bytes
  });

  it("costs a mixed batch (a 3-token prefill and a decode at context 5)", () => {
    const cost = stepCost(tiny, { numNewTokens: [3, 1], numContextTokens: [0, 5] });
    // Pairs under the causal mask: 1+2+3 = 6 for the prefill, 5+1 = 6 for the decode.
    expect(cost).toEqual({
      numSeqs: 2,
      numTokens: 4,
      linearFlops: 2 * 4 * 112 + 2 * 2 * 40, // 1056
      attentionFlops: 4 * 2 * 2 * 12, // 192
      flops: 1248,
      weightBytes: 152,
      kvReadBytes: 8 * 9, // 3 + 6 attended positions
      kvWriteBytes: 8 * 4,
      bytes: 256,
    });
    const verdict = classifyStep(cost, { name: "toy", peakFlopsPerSecond: 100, memoryBytesPerSecond: 10 });
    expect(verdict).toEqual({
      device: "toy",
      flops: 1248,
      bytes: 256,
      arithmeticIntensity: 4.875,
      ridgePoint: 10,
      bound: "memory",
      computeSeconds: 12.48,
      memorySeconds: 25.6,
      minStepSeconds: 25.6,
    });
  });
});

describe("the roofline argument on Llama-2-7B", () => {
  const a100 = DEVICE_PROFILES["A100-80GB"];

  it("decode of one sequence is memory-bound (intensity ≈ 1 FLOP/byte)", () => {
    const r = analyzeStep(LLAMA_2_7B, a100, { numNewTokens: [1], numContextTokens: [1000] });
    // Layers 32 · 202,375,168 params, LM head 131,072,000: 6,607,077,376 params, 13.2 GB in F16.
    // FLOPs: 2·6,476,005,376 + 2·131,072,000 + attention 4·32·32·128·1001 = 13,738,967,040.
    expect(r.flops).toBe(13_738_967_040);
    // Bytes: weights 13,214,154,752 + KV read 524,288·1001 + KV write 524,288.
    expect(r.bytes).toBe(13_739_491_328);
    expect(r.arithmeticIntensity).toBeCloseTo(0.99996, 5);
    expect(r.ridgePoint).toBeCloseTo(153.02, 2);
    expect(r.bound).toBe("memory");
    expect(r.minStepSeconds).toBeCloseTo(13_739_491_328 / 2039e9, 12); // ≈ 6.7 ms
  });

  it("a 512-token prefill is compute-bound on an A100 (intensity ≈ 487)", () => {
    const r = analyzeStep(LLAMA_2_7B, a100, { numNewTokens: [512], numContextTokens: [0] });
    // 2·512·6,476,005,376 + 2·131,072,000 + 4·32·32·128·(512·513/2) = 6,700,545,343,488.
    expect(r.flops).toBe(6_700_545_343_488);
    expect(r.bytes).toBe(13_214_154_752 + 2 * 524_288 * 512);
    expect(r.arithmeticIntensity).toBeCloseTo(487.28, 2);
    expect(r.bound).toBe("compute");
  });

  it("the same 256-token prefill is compute-bound on an A100 but memory-bound on an L4", () => {
    const batch = { numNewTokens: [256], numContextTokens: [0] };
    expect(analyzeStep(LLAMA_2_7B, a100, batch).bound).toBe("compute");
    expect(analyzeStep(LLAMA_2_7B, DEVICE_PROFILES.L4, batch).bound).toBe("memory");
  });

  it("a decode batch of 256 sequences at context 1000 stays memory-bound: KV reads grow with it", () => {
    const n = 256;
    const r = analyzeStep(LLAMA_2_7B, a100, {
      numNewTokens: new Int32Array(n).fill(1),
      numContextTokens: new Int32Array(n).fill(1000),
    });
    // Weights alone would give ≈ 256 FLOP/byte, but 256·1001 positions of KV (134 GB) dominate:
    // 3,517,175,562,240 FLOPs / 147,700,318,208 bytes ≈ 23.8.
    expect(r.flops).toBe(3_517_175_562_240);
    expect(r.bytes).toBe(147_700_318_208);
    expect(r.arithmeticIntensity).toBeCloseTo(23.81, 2);
    expect(r.bound).toBe("memory");
  });
});

describe("device profiles and validation", () => {
  it("ridge points follow from the datasheet numbers", () => {
    expect(ridgePoint(DEVICE_PROFILES["H100-80GB"])).toBeCloseTo(295.4, 1);
    expect(ridgePoint(DEVICE_PROFILES.L4)).toBeCloseTo(403.3, 1);
    expect(ridgePoint(DEVICE_PROFILES["RTX-4090"])).toBeCloseTo(163.9, 1);
  });

  it("rejects bad shapes and batches with codes", () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return isPagodaError(err) ? err.code : "not a PagodaError";
      }
      return "no error";
    };
    expect(code(() => validateModelShape(LLAMA_2_7B))).toBe("no error");
    expect(code(() => validateModelShape({ ...LLAMA_2_7B, numKvHeads: 5 }))).toBe("metrics.bad_model_shape");
    expect(code(() => validateModelShape({ ...LLAMA_2_7B, numLayers: 0 }))).toBe("metrics.bad_model_shape");
    expect(code(() => validateModelShape({ ...LLAMA_2_7B, weightBytesPerParam: 0 }))).toBe(
      "metrics.bad_model_shape",
    );
    expect(code(() => stepCost(LLAMA_2_7B, { numNewTokens: [1, 1], numContextTokens: [1] }))).toBe(
      "metrics.bad_batch",
    );
    expect(code(() => stepCost(LLAMA_2_7B, { numNewTokens: [-1], numContextTokens: [1] }))).toBe(
      "metrics.bad_value",
    );
  });
});
