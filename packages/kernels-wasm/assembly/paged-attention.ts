// Causal attention over the paged cache for a flattened batch of prefill chunks and decodes.
// Work item = (tile, kv head): a tile is up to `tileRows` consecutive query rows of one sequence
// (tiles start at the sequence's first row, so they depend on neither the thread count nor the
// batch split), and the item covers every query head of the kv head's GQA group. Threads take
// items round-robin. Each key and value block read from the cache is then used, from L1, by
// every row and head of the tile: per block and per (row, head) query, the scores of the keys
// the row sees (causal: the row at position p sees keys 0..p), one online-softmax step in f32
// (block max, one rescale, vectorised exp) and acc = acc·corr + P·V (see attention-block.ts).
// A query's arithmetic depends only on its own row, head and keys, in a fixed order.
// An f16 or int8 cache block is first decoded into f32 scratch (once per block and tile, shared
// by every query of the tile), so every dtype runs the same f32 arithmetic on the stored values.
import { accumulatePV, accumulatePV2, blockScores, blockScores2, softmaxStep } from "./attention-block";
import { argF, argI, argU } from "./common";
import { KV_F32, kvRowBytes, loadKvRows } from "./kv-cache";

// args: q, qStride, out, outStride, queryStartLoc, numSeqs, positions, blockTables,
//       maxBlocksPerSeq, numTokens, numHeads, numKvHeads, headDim, blockSize, scale,
//       keyCache, valueCache, scratch, scratchStride, tileRows, cacheDtype
export function pagedAttentionKernel(args: usize, thread: i32, threads: i32): void {
  const starts = argU(args, 4);
  const numSeqs = argI(args, 5);
  const numKvHeads = argI(args, 11);
  const tileRows = argI(args, 19);
  let item = 0;
  for (let seq = 0; seq < numSeqs; seq++) {
    const end = load<i32>(starts + (<usize>(seq + 1) << 2));
    for (let t0 = load<i32>(starts + (<usize>seq << 2)); t0 < end; t0 += tileRows) {
      const rows = min(tileRows, end - t0);
      for (let kvh = 0; kvh < numKvHeads; kvh++, item++) {
        if (item % threads == thread) attendTile(args, thread, seq, t0, rows, kvh);
      }
    }
  }
}

/** Rows t0..t0+rows of sequence `seq`, every query head of kv head `kvh`. */
function attendTile(args: usize, thread: i32, seq: i32, t0: i32, rows: i32, kvh: i32): void {
  const q = argU(args, 0);
  const qRow = argU(args, 1) << 2;
  const out = argU(args, 2);
  const outRow = argU(args, 3) << 2;
  const positions = argU(args, 6);
  const blockTables = argU(args, 7);
  const maxBlocks = argI(args, 8);
  const numHeads = argI(args, 10);
  const numKvHeads = argI(args, 11);
  const headDim = argI(args, 12);
  const blockSize = argI(args, 13);
  const scale = argF(args, 14);
  const keyCache = argU(args, 15);
  const valueCache = argU(args, 16);
  const scratch = argU(args, 17) + argU(args, 18) * <usize>thread;
  const dtype = argI(args, 20);
  const cacheRow = kvRowBytes(dtype, headDim);
  const group = numHeads / numKvHeads;
  const queries = rows * group;
  const hb = <usize>headDim << 2;
  // scratch: acc [queries, headDim] | (m, l) [queries] | 2 maxes | scores [2, blockSize rounded up to 4]
  //          | decoded keys, values [blockSize, headDim] (f16 / int8 caches)
  const acc = scratch;
  const ml = acc + <usize>queries * hb;
  const maxes = ml + (<usize>queries << 3);
  const scores = maxes + 8;
  const scoresB = scores + ((<usize>(blockSize + 3) >> 2) << 4);
  const kDec = scoresB + ((<usize>(blockSize + 3) >> 2) << 4);
  const vDec = kDec + <usize>blockSize * hb;
  memory.fill(acc, 0, <usize>queries * hb);
  let maxCtx = 0;
  for (let r = 0; r < rows; r++) {
    maxCtx = max(maxCtx, load<i32>(positions + (<usize>(t0 + r) << 2)) + 1);
    for (let g = 0; g < group; g++) {
      const qi = r * group + g;
      store<f32>(ml + (<usize>qi << 3), -Infinity);
      store<f32>(ml + (<usize>qi << 3), 0, 4);
    }
  }
  const table = blockTables + ((<usize>seq * maxBlocks) << 2);
  const qTile = q + <usize>t0 * qRow + <usize>kvh * <usize>group * hb;
  for (let b = 0; b * blockSize < maxCtx; b++) {
    const first = b * blockSize;
    const n = min(blockSize, maxCtx - first);
    const block = load<i32>(table + (<usize>b << 2));
    const base = ((<usize>block * numKvHeads + kvh) * blockSize) * cacheRow;
    let kb = keyCache + base;
    let vb = valueCache + base;
    if (dtype != KV_F32) {
      loadKvRows(dtype, kb, n, headDim, kDec);
      loadKvRows(dtype, vb, n, headDim, vDec);
      kb = kDec;
      vb = vDec;
    }
    for (let r = 0; r < rows; r++) {
      const seen = min(n, load<i32>(positions + (<usize>(t0 + r) << 2)) + 1 - first);
      if (seen <= 0) continue;
      const qRow0 = qTile + <usize>r * qRow;
      let g = 0;
      for (; g + 2 <= group; g += 2) {
        // Two heads of the row: one pass over the keys and values for both.
        const qi = r * group + g;
        blockScores2(qRow0 + <usize>g * hb, qRow0 + <usize>(g + 1) * hb, kb, hb, seen, headDim, scale, scores, scoresB, maxes);
        const corrA = softmaxStep(scores, seen, load<f32>(maxes), ml + (<usize>qi << 3));
        const corrB = softmaxStep(scoresB, seen, load<f32>(maxes, 4), ml + (<usize>(qi + 1) << 3));
        const accA = acc + <usize>qi * hb;
        accumulatePV2(accA, accA + hb, scores, scoresB, vb, hb, seen, headDim, corrA, corrB);
      }
      if (g < group) {
        const qi = r * group + g;
        const blockMax = blockScores(qRow0 + <usize>g * hb, kb, hb, seen, headDim, scale, scores);
        const corr = softmaxStep(scores, seen, blockMax, ml + (<usize>qi << 3));
        accumulatePV(acc + <usize>qi * hb, scores, vb, hb, seen, headDim, corr);
      }
    }
  }
  const oTile = out + <usize>t0 * outRow + <usize>kvh * <usize>group * hb;
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < group; g++) {
      const qi = r * group + g;
      const inv = <f32>1.0 / load<f32>(ml + (<usize>qi << 3), 4);
      scaleInto(oTile + <usize>r * outRow + <usize>g * hb, acc + <usize>qi * hb, inv, headDim);
    }
  }
}

function scaleInto(dst: usize, src: usize, c: f32, n: i32): void {
  const c4 = f32x4.splat(c);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) v128.store(dst + (<usize>i << 2), f32x4.mul(v128.load(src + (<usize>i << 2)), c4));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)) * c);
}
