// The tiled GEMM behind matmul for numRows >= 4: out[t, o] = Σ_i x[t, i] · w[o, i] for the
// output rows [o0, o1) of one thread. Per block of `tokenBlock` tokens, x is packed once into
// an interleaved panel (4 tokens' f32x4 of each step of 4 side by side, so a tile reads it
// sequentially); per pair of weight rows, the rows are unpacked once into an interleaved f32
// panel; then a 4-token x 2-row register tile runs over every token group of the block.
//
// 4 x 2 is the largest tile V8 keeps in registers: it loads every operand of a loop iteration
// before the arithmetic, so accumulators + loads must fit in 15 xmm registers (8 + 6 here; a
// 3 x 3 or 5 x 2 tile spills an accumulator and runs at half speed).
//
// Exactness: each (t, o) has one f32x4 accumulator over i in steps of 4 in increasing i (mul,
// then add), then the hsum, then the scalar tail in order, as the GEMV does (weights.ts), so
// the two paths give the same bits and the tiling never changes a result.
import { dotTail, rowBytes, unpackPairPanel } from "./weights";

/** Tokens of a register tile (the packed x panel groups tokens by 4). */
const MT: i32 = 4;
/** Weight rows of a register tile. */
const MR: i32 = 2;
/** Bytes of a tile's sums in scratch (MT · MR f32, token-major). */
const SUMS_BYTES: usize = 64;

/**
 * Scratch of the thread at `scratch` (src/kernels/matmul.ts sizes it): a tile's sums
 * (SUMS_BYTES), the weight panel (MR · n4 f32), the x panel (tokenBlock · n4 f32), n4 = n & ~3.
 */
export function gemm(x: usize, w: usize, type: i32, out: usize, numRows: i32, n: i32, xs: usize, os: usize, o0: i32, o1: i32, scratch: usize, tokenBlock: i32): void {
  const n4 = n & ~3;
  const steps = n4 >> 2;
  const rs = rowBytes(type, n);
  const sums = scratch;
  const wp = sums + SUMS_BYTES;
  const xp = wp + ((<usize>MR * <usize>n4) << 2);
  const groupBytes = (<usize>MT * <usize>n4) << 2;
  for (let t0 = 0; t0 < numRows; t0 += tokenBlock) {
    const rows = min(tokenBlock, numRows - t0);
    const groups = (rows + MT - 1) / MT;
    const xb = x + <usize>t0 * xs;
    const ob = out + <usize>t0 * os;
    packX(xb, xs, rows, groups * MT, n4, xp);
    for (let o = o0; o < o1; o += MR) {
      const vr = min(MR, o1 - o);
      const w0 = w + <usize>o * rs;
      // A lone last row fills both panel rows; the second one's sums are not stored.
      unpackPairPanel(type, w0, vr == MR ? w0 + rs : w0, wp, n4);
      for (let g = 0; g < groups; g++) {
        tile(xp + <usize>g * groupBytes, wp, steps, sums);
        const vt = min(MT, rows - g * MT);
        const ot = ob + <usize>(g * MT) * os + (<usize>o << 2);
        if (vt == MT && vr == MR && n4 == n) {
          // The common case: whole tile, no scalar tail; 2 sums per token row.
          store<u64>(ot, load<u64>(sums));
          store<u64>(ot + os, load<u64>(sums, 8));
          store<u64>(ot + 2 * os, load<u64>(sums, 16));
          store<u64>(ot + 3 * os, load<u64>(sums, 24));
          continue;
        }
        for (let t = 0; t < vt; t++) {
          const xt = xb + <usize>(g * MT + t) * xs;
          for (let r = 0; r < vr; r++) {
            const s = load<f32>(sums + (<usize>(t * MR + r) << 2));
            store<f32>(ot + <usize>t * os + (<usize>r << 2), dotTail(type, w0 + <usize>r * rs, xt, n4, n, s));
          }
        }
      }
    }
  }
}

/**
 * Packs the first n4 elements of `rows` rows of x into groups of MT tokens: group g, step s,
 * token t at xp + ((g · n4/4 + s) · MT + t) · 16. Rows from `rows` to `padded` are zeros.
 */
function packX(x: usize, xs: usize, rows: i32, padded: i32, n4: i32, xp: usize): void {
  const stride = <usize>MT << 4;
  for (let row = 0; row < padded; row++) {
    const dst = xp + <usize>(row / MT) * ((<usize>MT * <usize>n4) << 2) + (<usize>(row % MT) << 4);
    if (row >= rows) {
      zeroPanel(dst, n4 >> 2, stride);
      continue;
    }
    const src = x + <usize>row * xs;
    let d = dst;
    for (let i = 0; i < n4; i += 4) {
      v128.store(d, v128.load(src + (<usize>i << 2)));
      d += stride;
    }
  }
}

function zeroPanel(dst: usize, steps: i32, stride: usize): void {
  for (let s = 0; s < steps; s++) v128.store(dst + <usize>s * stride, f32x4.splat(0));
}

/**
 * The tile: sums[t · MR + r] = hsum(Σ over steps of x panel group `xp` (token t) · weight
 * panel `wp` (row r)), each hsum (l0 + l1) + (l2 + l3) as common.ts's, 4 at a time.
 */
function tile(xp: usize, wp: usize, steps: i32, sums: usize): void {
  let a00 = f32x4.splat(0);
  let a01 = f32x4.splat(0);
  let a10 = f32x4.splat(0);
  let a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0);
  let a21 = f32x4.splat(0);
  let a30 = f32x4.splat(0);
  let a31 = f32x4.splat(0);
  const end = xp + (<usize>steps << 6);
  for (; xp < end; xp += 64, wp += 32) {
    const v0 = v128.load(wp);
    const v1 = v128.load(wp, 16);
    let u = v128.load(xp);
    a00 = f32x4.add(a00, f32x4.mul(u, v0));
    a01 = f32x4.add(a01, f32x4.mul(u, v1));
    u = v128.load(xp, 16);
    a10 = f32x4.add(a10, f32x4.mul(u, v0));
    a11 = f32x4.add(a11, f32x4.mul(u, v1));
    u = v128.load(xp, 32);
    a20 = f32x4.add(a20, f32x4.mul(u, v0));
    a21 = f32x4.add(a21, f32x4.mul(u, v1));
    u = v128.load(xp, 48);
    a30 = f32x4.add(a30, f32x4.mul(u, v0));
    a31 = f32x4.add(a31, f32x4.mul(u, v1));
  }
  v128.store(sums, hsum4(a00, a01, a10, a11));
  v128.store(sums, hsum4(a20, a21, a30, a31), 16);
}

/** (hsum(a), hsum(b), hsum(c), hsum(d)), each (l0 + l1) + (l2 + l3). */
@inline function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 2, 4, 6), v128.shuffle<f32>(a, b, 1, 3, 5, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 2, 4, 6), v128.shuffle<f32>(c, d, 1, 3, 5, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 2, 4, 6), v128.shuffle<f32>(ab, cd, 1, 3, 5, 7));
}
