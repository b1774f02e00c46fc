// Benchmark of the exp-heavy kernels at SmolLM2-135M shapes (9 heads, 3 KV heads, head_dim 64,
// block size 16), one layer: pagedAttention for a prefill of 128 and 512 tokens and decodes at
// contexts 32 and 1024 with 1 and 8 sequences; swiglu on [512, 1536]. Medians of repeated runs.
// Run: pnpm --filter @pagoda/kernels-wasm bench:attention [threads…]   (default: 1 thread)
import { loadavg } from "node:os";
import { createKernelRuntime } from "../src/create-wasm-kernels.js";
import { pagedAttention } from "../src/kernels/paged-attention.js";
import { swiglu } from "../src/kernels/swiglu.js";
import type { KernelRuntime } from "../src/runtime/kernel-runtime.js";

const HEADS = 9;
const KV_HEADS = 3;
const HEAD_DIM = 64;
const BLOCK = 16;

/** Median seconds per call of `fn` over at least `minSeconds` (after a warm-up). */
function time(fn: () => void, minSeconds = 0.5): number {
  for (let i = 0; i < 3; i++) fn();
  const samples: number[] = [];
  const start = performance.now();
  while (performance.now() - start < minSeconds * 1000 || samples.length < 7) {
    const t0 = performance.now();
    fn();
    samples.push((performance.now() - t0) / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1] as number;
}

function fillF32(rt: KernelRuntime, ptr: number, n: number, amplitude: number): void {
  const v = new Float32Array(rt.mem.memory.buffer, ptr, n);
  for (let i = 0; i < n; i++) v[i] = (Math.random() * 2 - 1) * amplitude;
}

/** One layer's attention for `numSeqs` sequences, each with `newTokens` queries ending at context `ctx`. */
function attentionCase(rt: KernelRuntime, numSeqs: number, newTokens: number, ctx: number): () => void {
  const maxBlocksPerSeq = Math.ceil(ctx / BLOCK);
  const numBlocks = numSeqs * maxBlocksPerSeq;
  const numTokens = numSeqs * newTokens;
  const qRowStride = (HEADS + 2 * KV_HEADS) * HEAD_DIM;
  const cacheFloats = numBlocks * KV_HEADS * BLOCK * HEAD_DIM;
  const q = rt.mem.alloc(numTokens * qRowStride * 4, 64);
  const out = rt.mem.alloc(numTokens * HEADS * HEAD_DIM * 4, 64);
  const keyCache = rt.mem.alloc(cacheFloats * 4, 64);
  const valueCache = rt.mem.alloc(cacheFloats * 4, 64);
  const blockTables = rt.mem.alloc(numBlocks * 4);
  const queryStartLoc = rt.mem.alloc((numSeqs + 1) * 4);
  const positions = rt.mem.alloc(numTokens * 4);
  fillF32(rt, q, numTokens * qRowStride, 2);
  fillF32(rt, keyCache, cacheFloats, 2);
  fillF32(rt, valueCache, cacheFloats, 1);
  // Blocks shuffled, as a paged cache hands them out.
  const perm = Array.from({ length: numBlocks }, (_, i) => i).sort(() => Math.random() - 0.5);
  rt.i32(blockTables, numBlocks).set(perm);
  const starts = rt.i32(queryStartLoc, numSeqs + 1);
  const pos = rt.i32(positions, numTokens);
  for (let s = 0; s < numSeqs; s++) {
    starts[s + 1] = (s + 1) * newTokens;
    for (let i = 0; i < newTokens; i++) pos[s * newTokens + i] = ctx - newTokens + i;
  }
  return () =>
    pagedAttention(rt, {
      q,
      qRowStride,
      out,
      keyCache,
      valueCache,
      numBlocks,
      blockTables,
      maxBlocksPerSeq,
      queryStartLoc,
      positions,
      numSeqs,
      numTokens,
      numHeads: HEADS,
      numKvHeads: KV_HEADS,
      headDim: HEAD_DIM,
      blockSize: BLOCK,
      scale: 1 / Math.sqrt(HEAD_DIM),
    });
}

function swigluCase(rt: KernelRuntime, rows: number, ffn: number): () => void {
  const gateUp = rt.mem.alloc(rows * ffn * 8, 64);
  const out = rt.mem.alloc(rows * ffn * 4, 64);
  fillF32(rt, gateUp, rows * ffn * 2, 6);
  return () => swiglu(rt, { gateUp, out, rows, ffn });
}

async function main(): Promise<void> {
  const threadCounts = process.argv.slice(2).map(Number);
  console.log(
    `load average: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")}`,
  );
  for (const threads of threadCounts.length > 0 ? threadCounts : [1]) {
    const { rt } = await createKernelRuntime({ threads });
    console.log(`== ${rt.threads} thread(s), SmolLM2-135M attention shape, one layer`);
    const cases: [string, () => void][] = [
      ["prefill 128 tokens", attentionCase(rt, 1, 128, 128)],
      ["prefill 512 tokens", attentionCase(rt, 1, 512, 512)],
      ["decode 1 seq, ctx 32", attentionCase(rt, 1, 1, 32)],
      ["decode 1 seq, ctx 1024", attentionCase(rt, 1, 1, 1024)],
      ["decode 8 seqs, ctx 32", attentionCase(rt, 8, 1, 32)],
      ["decode 8 seqs, ctx 1024", attentionCase(rt, 8, 1, 1024)],
      ["swiglu 512 × 1536", swigluCase(rt, 512, 1536)],
    ];
    for (const [name, fn] of cases) {
      const s = time(fn);
      console.log(`${name.padEnd(26)}${(s * 1e6).toFixed(1).padStart(10)} µs`);
    }
    await rt.close();
  }
}

await main();
