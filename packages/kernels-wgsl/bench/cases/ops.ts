import { f32ToF16 } from "@pagoda/model-loaders";
import {
  createStorageBuffer,
  encodeEmbedding,
  encodeHeadRmsNorm,
  encodeRmsNorm,
  encodeRope,
  encodeSwiglu,
  uploadMatrix,
} from "../../src/index.js";
import { ropeTestFrequencies } from "../../src/testing/index.js";
import type { BenchCase } from "../case.js";

function destroyAll(buffers: GPUBuffer[]): void {
  for (const b of buffers) b.destroy();
}

// Qwen3-0.6B at a 512-token prefill: hidden 1024, 16 q / 8 kv heads of 128, intermediate 3072.
const T = 512;
const HIDDEN = 1024;
const HEAD_DIM = 128;
const FFN = 3072;

export const cases: BenchCase[] = [
  {
    kernel: "rms_norm",
    name: `fused residual, ${T}×${HIDDEN}`,
    bytes: 4 * T * HIDDEN * 4, // read x, r; write r, out
    flops: 5 * T * HIDDEN,
    prepare(ctx) {
      const d = ctx.device;
      const x = createStorageBuffer(d, "bench.x", new Float32Array(T * HIDDEN).fill(0.5));
      const residual = createStorageBuffer(d, "bench.r", T * HIDDEN * 4);
      const out = createStorageBuffer(d, "bench.out", T * HIDDEN * 4);
      const weight = createStorageBuffer(d, "bench.w", new Float32Array(HIDDEN).fill(1));
      const args = { numTokens: T, width: HIDDEN, weight, eps: 1e-6, x, residual, out };
      return {
        record: (pass) => encodeRmsNorm(pass, ctx, args),
        destroy: () => destroyAll([x, residual, out, weight]),
      };
    },
  },
  {
    kernel: "rope+qk_norm",
    name: `${T} tokens, q 16 + k 8 heads of ${HEAD_DIM}`,
    bytes: 2 * 2 * T * 24 * HEAD_DIM * 4, // norm and rope each read and write q and k
    flops: T * 24 * HEAD_DIM * 10,
    prepare(ctx) {
      const d = ctx.device;
      const qkv = createStorageBuffer(d, "bench.qkv", T * 32 * HEAD_DIM * 4);
      const invFreq = createStorageBuffer(d, "bench.inv_freq", ropeTestFrequencies(HEAD_DIM, 1e6));
      const positions = createStorageBuffer(
        d,
        "bench.pos",
        Int32Array.from({ length: T }, (_, i) => i),
      );
      const weight = createStorageBuffer(d, "bench.w", new Float32Array(HEAD_DIM).fill(1));
      const common = { numTokens: T, headDim: HEAD_DIM, x: qkv, rowStride: 32 * HEAD_DIM };
      return {
        record(pass) {
          encodeHeadRmsNorm(pass, ctx, { ...common, numHeads: 16, weight, eps: 1e-6 });
          encodeHeadRmsNorm(pass, ctx, {
            ...common,
            numHeads: 8,
            colOffset: 16 * HEAD_DIM,
            weight,
            eps: 1e-6,
          });
          encodeRope(pass, ctx, { ...common, numHeads: 16, invFreq, positions });
          encodeRope(pass, ctx, { ...common, numHeads: 8, colOffset: 16 * HEAD_DIM, invFreq, positions });
        },
        destroy: () => destroyAll([qkv, invFreq, positions, weight]),
      };
    },
  },
  {
    kernel: "swiglu",
    name: `${T}×2·${FFN} → ${T}×${FFN}`,
    bytes: 3 * T * FFN * 4,
    flops: 4 * T * FFN,
    prepare(ctx) {
      const gateUp = createStorageBuffer(
        ctx.device,
        "bench.gate_up",
        new Float32Array(T * 2 * FFN).fill(0.25),
      );
      const out = createStorageBuffer(ctx.device, "bench.out", T * FFN * 4);
      return {
        record: (pass) => encodeSwiglu(pass, ctx, { numTokens: T, ffn: FFN, gateUp, out }),
        destroy: () => destroyAll([gateUp, out]),
      };
    },
  },
  {
    kernel: "embedding",
    name: `${T} ids from [151936×${HIDDEN}] f16`,
    bytes: T * HIDDEN * (2 + 4),
    flops: 0,
    prepare(ctx) {
      const vocab = 151_936;
      const table = uploadMatrix(ctx.device, {
        label: "bench.embed",
        rows: vocab,
        cols: HIDDEN,
        data: f32ToF16(new Float32Array(vocab * HIDDEN)),
      });
      const ids = createStorageBuffer(
        ctx.device,
        "bench.ids",
        Int32Array.from({ length: T }, (_, i) => (i * 7919) % vocab),
      );
      const out = createStorageBuffer(ctx.device, "bench.out", T * HIDDEN * 4);
      return {
        record: (pass) => encodeEmbedding(pass, ctx, { ids, numTokens: T, table, out }),
        destroy() {
          for (const p of table.parts) p.buffer.destroy();
          ids.destroy();
          out.destroy();
        },
      };
    },
  },
];
