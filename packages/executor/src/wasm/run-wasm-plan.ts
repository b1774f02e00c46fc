import type { WasmKernels } from "@pagoda/kernels-wasm";
import type { FlatBatch } from "../batch/flat-batch.js";
import type { ForwardPlan, PlanOp } from "../model/plan.js";
import type { WasmBuffers } from "./wasm-buffers.js";
import type { WasmSegment, WasmWeight } from "./wasm-weights.js";

/** What a WebAssembly forward pass reads and writes; built once per executor. */
export interface WasmForward {
  readonly kernels: WasmKernels;
  readonly plan: ForwardPlan;
  readonly weights: ReadonlyMap<string, WasmWeight>;
  readonly buffers: WasmBuffers;
}

/**
 * Executes the forward plan with the WebAssembly kernels over a batch whose inputs are already
 * in memory (`writeInputs`); the logits of `batch.logitRows` are left at `buffers.acts.logits`.
 */
export function runWasmPlan(f: WasmForward, batch: FlatBatch): void {
  for (const op of f.plan.ops) runOp(f, op, batch);
}

function runOp(f: WasmForward, op: PlanOp, batch: FlatBatch): void {
  const { kernels: k, plan, buffers } = f;
  const { acts, inputs } = buffers;
  const { hiddenSize: hidden, numHeads, numKvHeads, headDim, rmsNormEps: eps } = plan.shape;
  const n = batch.numTokens;
  const { numBlocks, blockSize } = buffers;
  switch (op.op) {
    case "embed": {
      const table = single(f, op.table);
      k.embed({
        weightType: table.type,
        table: table.ptr,
        vocab: table.rows,
        ids: inputs.tokenIds,
        out: acts[op.out],
        numTokens: n,
        hidden,
      });
      return;
    }
    case "rmsNorm":
      k.rmsNorm({
        x: acts[op.x],
        ...(op.residual !== undefined && { residual: acts[op.residual] }),
        weight: vector(f, op.weight),
        out: acts[op.out],
        rows: n,
        width: hidden,
        eps,
      });
      return;
    case "linear":
      linear(f, weight(f, op.weight), acts[op.x], acts[op.out], n, op.bias);
      return;
    case "ropeAndCache":
      k.ropeAndCache({
        qkv: acts[op.qkv],
        rowStride: plan.widths[op.qkv],
        numTokens: n,
        numHeads,
        numKvHeads,
        headDim,
        positions: inputs.positions,
        invFreq: inputs.invFreq,
        slotMapping: inputs.slotMapping,
        keyCache: buffers.keys[op.layer] as number,
        valueCache: buffers.values[op.layer] as number,
        numBlocks: numBlocks,
        blockSize: blockSize,
        cacheDtype: buffers.kvCacheDtype,
        ...(op.qNorm !== undefined && { qNorm: vector(f, op.qNorm) }),
        ...(op.kNorm !== undefined && { kNorm: vector(f, op.kNorm) }),
        eps,
      });
      return;
    case "attention":
      k.pagedAttention({
        q: acts[op.qkv],
        qRowStride: plan.widths[op.qkv],
        out: acts[op.out],
        keyCache: buffers.keys[op.layer] as number,
        valueCache: buffers.values[op.layer] as number,
        numBlocks: numBlocks,
        blockTables: inputs.blockTables,
        maxBlocksPerSeq: batch.maxBlocksPerSeq,
        queryStartLoc: inputs.queryStartLoc,
        positions: inputs.positions,
        numSeqs: batch.numSeqs,
        numTokens: n,
        numHeads,
        numKvHeads,
        headDim,
        blockSize: blockSize,
        scale: 1 / Math.sqrt(headDim),
        cacheDtype: buffers.kvCacheDtype,
      });
      return;
    case "swiglu":
      k.swiglu({ gateUp: acts[op.gateUp], out: acts[op.out], rows: n, ffn: plan.widths[op.gateUp] / 2 });
      return;
    case "logits":
      // Only the sampling rows (and the rows of requests with drafts) reach the LM head.
      lmHeadRows(f, op, n, batch.logitRows);
      return;
  }
}

/**
 * Runs the plan's LM head again over batch rows `rows` (at most `maxNumSeqs`) of the forward pass
 * that just ran: prompt log-probabilities score rows that do not sample. Logits land at
 * `buffers.acts.logits`, overwriting the sampling rows'.
 */
export function runLogitRows(f: WasmForward, numTokens: number, rows: Int32Array): void {
  const op = f.plan.ops.find((o): o is LogitsOp => o.op === "logits");
  if (!op) throw new Error("forward plan: no logits op");
  lmHeadRows(f, op, numTokens, rows);
}

type LogitsOp = Extract<PlanOp, { op: "logits" }>;

// Gathers `rows` of the last MLP output and the residual, then adds, normalises and projects.
function lmHeadRows(f: WasmForward, op: LogitsOp, n: number, rows: Int32Array): void {
  const { kernels: k, plan, buffers } = f;
  const { acts } = buffers;
  const { hiddenSize: hidden, rmsNormEps: eps } = plan.shape;
  if (rows.length === 0) return; // every sequence is mid-prefill
  const from = k.f32(acts[op.hidden], n * hidden);
  const res = k.f32(acts[op.residual], n * hidden);
  const lastDelta = k.f32(buffers.lastDelta, rows.length * hidden);
  const lastResidual = k.f32(buffers.lastResidual, rows.length * hidden);
  rows.forEach((row, i) => {
    lastDelta.set(from.subarray(row * hidden, (row + 1) * hidden), i * hidden);
    lastResidual.set(res.subarray(row * hidden, (row + 1) * hidden), i * hidden);
  });
  k.rmsNorm({
    x: buffers.lastDelta,
    residual: buffers.lastResidual,
    weight: vector(f, op.norm),
    out: buffers.lastNormed,
    rows: rows.length,
    width: hidden,
    eps,
  });
  linear(f, weight(f, op.lmHead), buffers.lastNormed, acts[op.out], rows.length);
}

/**
 * out = x · wᵀ (+ bias): one matmul per segment of w (parts stored in different types), each into
 * its own output columns of the full-width rows.
 */
function linear(f: WasmForward, w: WasmWeight, x: number, out: number, numRows: number, bias?: string): void {
  const biasPtr = bias === undefined ? 0 : vector(f, bias);
  for (const s of w.segments) {
    f.kernels.matmul({
      weightType: s.type,
      weight: s.ptr,
      ...(biasPtr !== 0 && { bias: biasPtr + s.firstRow * 4 }),
      x,
      out: out + s.firstRow * 4,
      outStride: w.rows,
      numRows,
      inDim: w.cols,
      outDim: s.rows,
    });
  }
}

function weight(f: WasmForward, name: string): WasmWeight {
  const w = f.weights.get(name);
  if (!w) throw new Error(`forward plan: weight ${name} was not loaded`);
  return w;
}

/** The one segment of a weight stored in a single type (the embedding table). */
function single(f: WasmForward, name: string): WasmSegment {
  const w = weight(f, name);
  const s = w.segments[0];
  if (w.segments.length !== 1 || !s)
    throw new Error(`forward plan: weight ${name} is not stored in one type`);
  return s;
}

/** The F32 data of a vector weight. */
function vector(f: WasmForward, name: string): number {
  return single(f, name).ptr;
}
