// Causal attention over the paged cache for a flattened batch of prefill chunks and decodes.
// Work item = (token row, kv head); threads take items round-robin. All query heads of the GQA
// group are done together, so each K/V vector is read once per group. The keys of one block
// form a tile: scores of the tile, the tile max, one rescale of the running (max, sum, acc) —
// online softmax in f32. Each item's arithmetic order is fixed, whatever the thread count.
import { argF, argI, argU, dotF32 } from "./common";

// args: q, qStride, out, outStride, queryStartLoc, numSeqs, positions, blockTables,
//       maxBlocksPerSeq, numTokens, numHeads, numKvHeads, headDim, blockSize, scale,
//       keyCache, valueCache, scratch, scratchStride
export function pagedAttentionKernel(args: usize, thread: i32, threads: i32): void {
  const q = argU(args, 0);
  const qRow = argU(args, 1) << 2;
  const out = argU(args, 2);
  const outRow = argU(args, 3) << 2;
  const queryStartLoc = argU(args, 4);
  const numSeqs = argI(args, 5);
  const positions = argU(args, 6);
  const blockTables = argU(args, 7);
  const maxBlocks = argI(args, 8);
  const numTokens = argI(args, 9);
  const numHeads = argI(args, 10);
  const numKvHeads = argI(args, 11);
  const headDim = argI(args, 12);
  const blockSize = argI(args, 13);
  const scale = argF(args, 14);
  const keyCache = argU(args, 15);
  const valueCache = argU(args, 16);
  const scratch = argU(args, 17) + argU(args, 18) * <usize>thread;
  const group = numHeads / numKvHeads;
  const hb = <usize>headDim << 2;
  // scratch: acc [group, headDim] | m [group] | l [group] | scores [group, blockSize]
  const acc = scratch;
  const mArr = acc + <usize>group * hb;
  const lArr = mArr + (<usize>group << 2);
  const scores = lArr + (<usize>group << 2);
  const sb = <usize>blockSize << 2;
  const items = numTokens * numKvHeads;
  for (let item = thread; item < items; item += threads) {
    const t = item / numKvHeads;
    const kvh = item % numKvHeads;
    const seq = seqOf(queryStartLoc, numSeqs, t);
    const ctx = load<i32>(positions + (<usize>t << 2)) + 1;
    const qh = q + <usize>t * qRow + <usize>kvh * <usize>group * hb;
    memory.fill(acc, 0, <usize>group * hb);
    for (let g = 0; g < group; g++) {
      store<f32>(mArr + (<usize>g << 2), -Infinity);
      store<f32>(lArr + (<usize>g << 2), 0);
    }
    const table = blockTables + ((<usize>seq * maxBlocks) << 2);
    for (let b = 0; b * blockSize < ctx; b++) {
      const n = min(blockSize, ctx - b * blockSize);
      const block = load<i32>(table + (<usize>b << 2));
      const base = ((<usize>block * numKvHeads + kvh) * blockSize) * hb;
      const kb = keyCache + base;
      const vb = valueCache + base;
      for (let g = 0; g < group; g++) {
        const sg = scores + <usize>g * sb;
        const qg = qh + <usize>g * hb;
        let tileMax: f32 = -Infinity;
        for (let j = 0; j < n; j++) {
          const s = dotF32(qg, kb + <usize>j * hb, headDim) * scale;
          store<f32>(sg + (<usize>j << 2), s);
          tileMax = max(tileMax, s);
        }
        const mOld = load<f32>(mArr + (<usize>g << 2));
        const mNew = max(mOld, tileMax);
        const corr = Mathf.exp(mOld - mNew);
        let l = load<f32>(lArr + (<usize>g << 2)) * corr;
        for (let j = 0; j < n; j++) {
          const p = Mathf.exp(load<f32>(sg + (<usize>j << 2)) - mNew);
          store<f32>(sg + (<usize>j << 2), p);
          l += p;
        }
        store<f32>(mArr + (<usize>g << 2), mNew);
        store<f32>(lArr + (<usize>g << 2), l);
        scaleInPlace(acc + <usize>g * hb, corr, headDim);
      }
      for (let j = 0; j < n; j++) {
        const v = vb + <usize>j * hb;
        for (let g = 0; g < group; g++) {
          addScaled(acc + <usize>g * hb, v, load<f32>(scores + <usize>g * sb + (<usize>j << 2)), headDim);
        }
      }
    }
    const oh = out + <usize>t * outRow + <usize>kvh * <usize>group * hb;
    for (let g = 0; g < group; g++) {
      const inv = <f32>1.0 / load<f32>(lArr + (<usize>g << 2));
      scaleInto(oh + <usize>g * hb, acc + <usize>g * hb, inv, headDim);
    }
  }
}

/** The sequence s with queryStartLoc[s] <= t < queryStartLoc[s + 1] (binary search). */
function seqOf(starts: usize, numSeqs: i32, t: i32): i32 {
  let lo = 0;
  let hi = numSeqs - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (load<i32>(starts + (<usize>mid << 2)) <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function scaleInPlace(a: usize, c: f32, n: i32): void {
  scaleInto(a, a, c, n);
}

function scaleInto(dst: usize, src: usize, c: f32, n: i32): void {
  const c4 = f32x4.splat(c);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) v128.store(dst + (<usize>i << 2), f32x4.mul(v128.load(src + (<usize>i << 2)), c4));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)) * c);
}

function addScaled(acc: usize, v: usize, p: f32, n: i32): void {
  const p4 = f32x4.splat(p);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const off = <usize>i << 2;
    v128.store(acc + off, f32x4.add(v128.load(acc + off), f32x4.mul(v128.load(v + off), p4)));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(acc + off, load<f32>(acc + off) + load<f32>(v + off) * p);
  }
}
