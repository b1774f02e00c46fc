// On the fused qkv rows [numTokens, rowStride] = [q heads | k heads | v heads]: optional
// per-head RMSNorm of q and k (Qwen3), rotate-half RoPE of q and k in place (pair i with
// i + headDim/2, angle = position · invFreq[i] in f64, cos/sin in f64, rotation in f32), then
// k and v of each token into the layer's cache [numBlocks, numKvHeads, blockSize, row] at its
// slot (slot -1: not written), each row encoded in the cache dtype (kv-cache.ts). Threads split
// tokens.
import { argF, argI, argU, rmsNormRow, splitStart } from "./common";
import { kvRowBytes, storeKvRow } from "./kv-cache";

// args: qkv, rowStride, numTokens, numHeads, numKvHeads, headDim, positions, slotMapping,
//       invFreq, qNorm, kNorm, eps, keyCache, valueCache, blockSize, scratch, scratchStride,
//       cacheDtype
export function ropeAndCacheKernel(args: usize, thread: i32, threads: i32): void {
  const qkv = argU(args, 0);
  const rowBytes = argU(args, 1) << 2;
  const numTokens = argI(args, 2);
  const numHeads = argI(args, 3);
  const numKvHeads = argI(args, 4);
  const headDim = argI(args, 5);
  const positions = argU(args, 6);
  const slots = argU(args, 7);
  const invFreq = argU(args, 8);
  const qNorm = argU(args, 9);
  const kNorm = argU(args, 10);
  const eps = argF(args, 11);
  const keyCache = argU(args, 12);
  const valueCache = argU(args, 13);
  const blockSize = argI(args, 14);
  const scratch = argU(args, 15) + argU(args, 16) * <usize>thread;
  const dtype = argI(args, 17);
  const cacheRow = kvRowBytes(dtype, headDim);
  const half = headDim >> 1;
  const hb = <usize>headDim << 2;
  const cosTab = scratch;
  const sinTab = scratch + (<usize>half << 2);
  const t1 = splitStart(numTokens, thread + 1, threads, 1);
  for (let t = splitStart(numTokens, thread, threads, 1); t < t1; t++) {
    const row = qkv + <usize>t * rowBytes;
    const pos = <f64>load<i32>(positions + (<usize>t << 2));
    for (let i = 0; i < half; i++) {
      const angle = pos * load<f64>(invFreq + (<usize>i << 3));
      store<f32>(cosTab + (<usize>i << 2), <f32>Math.cos(angle));
      store<f32>(sinTab + (<usize>i << 2), <f32>Math.sin(angle));
    }
    for (let h = 0; h < numHeads + numKvHeads; h++) {
      const p = row + <usize>h * hb;
      const norm = h < numHeads ? qNorm : kNorm;
      if (norm != 0) rmsNormRow(p, norm, p, headDim, eps);
      rotate(p, cosTab, sinTab, half);
    }
    const slot = load<i32>(slots + (<usize>t << 2));
    if (slot < 0) continue;
    const block = slot / blockSize;
    const offset = slot % blockSize;
    const k = row + <usize>numHeads * hb;
    const v = k + <usize>numKvHeads * hb;
    for (let h = 0; h < numKvHeads; h++) {
      const dst = ((<usize>block * numKvHeads + h) * blockSize + offset) * cacheRow;
      storeKvRow(dtype, k + <usize>h * hb, keyCache + dst, headDim);
      storeKvRow(dtype, v + <usize>h * hb, valueCache + dst, headDim);
    }
  }
}

/** x[i], x[i + half] = x[i]·c − x[i + half]·s, x[i + half]·c + x[i]·s (lanewise: SIMD = scalar). */
function rotate(p: usize, cosTab: usize, sinTab: usize, half: i32): void {
  const q = p + (<usize>half << 2);
  const n4 = half & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const off = <usize>i << 2;
    const a = v128.load(p + off);
    const b = v128.load(q + off);
    const c = v128.load(cosTab + off);
    const s = v128.load(sinTab + off);
    v128.store(p + off, f32x4.sub(f32x4.mul(a, c), f32x4.mul(b, s)));
    v128.store(q + off, f32x4.add(f32x4.mul(b, c), f32x4.mul(a, s)));
  }
  for (; i < half; i++) {
    const off = <usize>i << 2;
    const a = load<f32>(p + off);
    const b = load<f32>(q + off);
    const c = load<f32>(cosTab + off);
    const s = load<f32>(sinTab + off);
    store<f32>(p + off, a * c - b * s);
    store<f32>(q + off, b * c + a * s);
  }
}
