import type { FlatBatch } from "../batch/flat-batch.js";
import type { Activation, ForwardPlan, PlanOp } from "../model/plan.js";
import { weightParts } from "../model/plan-tensors.js";
import type { ModelWeights } from "../model/shape.js";
import { pagedAttention } from "./attention.js";
import { applyRope, matmul, rmsNorm, swiglu } from "./ops.js";
import type { PagedKvCache } from "./paged-kv-cache.js";

/** The plan's weights as F32 arrays by name (fused ones concatenated by rows). */
export function referenceWeights(plan: ForwardPlan, weights: ModelWeights): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const w of plan.weights) {
    const parts = weightParts(weights, w);
    if (parts.length === 1) {
      out.set(w.name, parts[0] as Float32Array);
      continue;
    }
    const fused = new Float32Array(w.rows * w.cols);
    let at = 0;
    for (const p of parts) {
      fused.set(p, at);
      at += p.length;
    }
    out.set(w.name, fused);
  }
  return out;
}

/**
 * Executes a forward plan with the exact reference operations (float64 accumulation, F32
 * storage). Writes the batch's K/V into the cache and returns logits
 * `[batch.logitRows.length + extraRows.length, vocab]`: the sampling and draft rows, then `extraRows`
 * (batch rows scored for prompt log-probabilities).
 */
export function runReferencePlan(
  plan: ForwardPlan,
  weights: ReadonlyMap<string, Float32Array>,
  cache: PagedKvCache,
  batch: FlatBatch,
  invFreq: Float64Array,
  extraRows: Int32Array = new Int32Array(0),
): Float32Array {
  const acts = new Map<Activation, Float32Array>();
  const logitRows =
    extraRows.length === 0 ? batch.logitRows : Int32Array.from([...batch.logitRows, ...extraRows]);
  const ctx: Ctx = { plan, weights, cache, batch, invFreq, acts, logitRows };
  for (const op of plan.ops) runOp(ctx, op);
  return act(ctx, "logits");
}

interface Ctx {
  readonly plan: ForwardPlan;
  readonly weights: ReadonlyMap<string, Float32Array>;
  readonly cache: PagedKvCache;
  readonly batch: FlatBatch;
  readonly invFreq: Float64Array;
  readonly acts: Map<Activation, Float32Array>;
  /** Batch rows that reach the LM head. */
  readonly logitRows: Int32Array;
}

function runOp(ctx: Ctx, op: PlanOp): void {
  const { plan, batch, acts } = ctx;
  const { hiddenSize: hidden, numHeads, numKvHeads, headDim, rmsNormEps: eps } = plan.shape;
  const n = batch.numTokens;
  switch (op.op) {
    case "embed": {
      const table = weight(ctx, op.table);
      const x = new Float32Array(n * hidden);
      for (let t = 0; t < n; t++) {
        const id = batch.tokenIds[t] as number;
        x.set(table.subarray(id * hidden, (id + 1) * hidden), t * hidden);
      }
      acts.set(op.out, x);
      return;
    }
    case "rmsNorm": {
      const w = weight(ctx, op.weight);
      const x = act(ctx, op.x);
      if (!op.residual) {
        acts.set(op.out, rmsNorm(x, hidden, w, eps));
        return;
      }
      const residual = act(ctx, op.residual);
      for (let i = 0; i < residual.length; i++) residual[i] = (residual[i] as number) + (x[i] as number);
      acts.set(op.out, rmsNorm(residual, hidden, w, eps));
      return;
    }
    case "linear": {
      const x = act(ctx, op.x);
      const inDim = x.length / n;
      const w = weight(ctx, op.weight);
      const bias = op.bias === undefined ? undefined : weight(ctx, op.bias);
      acts.set(op.out, matmul(x, n, inDim, w, w.length / inDim, bias));
      return;
    }
    case "ropeAndCache": {
      const qkv = act(ctx, op.qkv);
      const width = plan.widths[op.qkv];
      const q = columns(qkv, n, width, 0, numHeads * headDim);
      const k = columns(qkv, n, width, numHeads * headDim, numKvHeads * headDim);
      const v = columns(qkv, n, width, (numHeads + numKvHeads) * headDim, numKvHeads * headDim);
      const qn = op.qNorm === undefined ? q : rmsNorm(q, headDim, weight(ctx, op.qNorm), eps);
      const kn = op.kNorm === undefined ? k : rmsNorm(k, headDim, weight(ctx, op.kNorm), eps);
      applyRope(qn, batch.positions, numHeads, headDim, ctx.invFreq);
      applyRope(kn, batch.positions, numKvHeads, headDim, ctx.invFreq);
      ctx.cache.write(op.layer, kn, v, batch.slotMapping);
      setColumns(qkv, n, width, 0, qn);
      setColumns(qkv, n, width, numHeads * headDim, kn);
      return;
    }
    case "attention": {
      const qkv = act(ctx, op.qkv);
      const q = columns(qkv, n, plan.widths[op.qkv], 0, numHeads * headDim);
      acts.set(op.out, pagedAttention(q, ctx.cache, op.layer, batch, numHeads));
      return;
    }
    case "swiglu": {
      const gateUp = act(ctx, op.gateUp);
      const ffn = plan.widths[op.gateUp] / 2;
      acts.set(op.out, swiglu(columns(gateUp, n, 2 * ffn, 0, ffn), columns(gateUp, n, 2 * ffn, ffn, ffn)));
      return;
    }
    case "logits": {
      const hiddenAct = act(ctx, op.hidden);
      const residual = act(ctx, op.residual);
      const rows = ctx.logitRows;
      const last = new Float32Array(rows.length * hidden);
      rows.forEach((row, i) => {
        for (let j = 0; j < hidden; j++) {
          const at = row * hidden + j;
          last[i * hidden + j] = (residual[at] as number) + (hiddenAct[at] as number);
        }
      });
      const normed = rmsNorm(last, hidden, weight(ctx, op.norm), eps);
      const lmHead = weight(ctx, op.lmHead);
      acts.set(op.out, matmul(normed, rows.length, hidden, lmHead, lmHead.length / hidden));
      return;
    }
  }
}

function weight(ctx: Ctx, name: string): Float32Array {
  const w = ctx.weights.get(name);
  if (!w) throw new Error(`forward plan: weight ${name} was not materialised`);
  return w;
}

function act(ctx: Ctx, name: Activation): Float32Array {
  const a = ctx.acts.get(name);
  if (!a) throw new Error(`forward plan: activation ${name} is read before it is written`);
  return a;
}

// Column slice [offset, offset + count) of each `width`-wide row, as a dense array.
function columns(x: Float32Array, rows: number, width: number, offset: number, count: number): Float32Array {
  const out = new Float32Array(rows * count);
  for (let r = 0; r < rows; r++)
    out.set(x.subarray(r * width + offset, r * width + offset + count), r * count);
  return out;
}

function setColumns(x: Float32Array, rows: number, width: number, offset: number, src: Float32Array): void {
  const count = src.length / rows;
  for (let r = 0; r < rows; r++) x.set(src.subarray(r * count, (r + 1) * count), r * width + offset);
}
