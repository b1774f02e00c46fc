// matmul on quantized weights, for every row count (decode and prefill alike): per block of
// `tokenBlock` tokens, each thread quantizes the x rows into its scratch (the same bits on
// every thread). 1–3 rows: quant-dot.ts's GEMV. More: per 4 weight rows of its range, it widens
// them once into the quad panel and runs the block's tokens over it 4 at a time
// (quant-tile-four.ts), then a pair (quant-tile-pair.ts) and one alone (quant-tile.ts); each
// tile does a token's arithmetic identically, so a token's result depends only on its own x
// row and the weights (quant-tile.ts).
import { rowBytes } from "./weights";
import { dotRowQ, dotRowQ8_0Tokens, quantizedXBytes, quantizeX } from "./quant-dot";
import { W_Q8_0 } from "./quant-dequant";
import { PANEL_BLOCK, packQuad } from "./quant-panel";
import { dotQuad } from "./quant-tile";
import { dotQuadPair, storeLanes } from "./quant-tile-pair";
import { dotQuadFour } from "./quant-tile-four";

/**
 * Up to this many tokens, quant-dot.ts's row-at-a-time GEMV: widening a quad into the panel
 * costs more than it saves when it is read only once or twice, and one sequential stream from
 * memory is read faster than the quad's 4 (a direct 4-row GEMV measured 9–13 vs 19 G MAC/s).
 */
const GEMV_MAX_ROWS: i32 = 3;

/** Bytes of the panel in a thread's scratch for rows of `n` elements (16-byte aligned). */
@inline function panelBytes(n: i32): usize {
  return (<usize>(n >> 5) * PANEL_BLOCK + 15) & ~15;
}

/**
 * out[t, o] for the output rows [o0, o1) of one thread. Scratch at `scratch`: the quad panel
 * (n / 32 · PANEL_BLOCK bytes, rounded up to 16), then `tokenBlock` quantized x rows
 * (quantizedXBytes(n) rounded up to 16 each); src/kernels/matmul.ts sizes it.
 */
export function matmulQ(x: usize, w: usize, type: i32, out: usize, numRows: i32, n: i32, xs: usize, os: usize, o0: i32, o1: i32, scratch: usize, tokenBlock: i32): void {
  const rs = rowBytes(type, n);
  const nb = n >> 5;
  const panel = scratch;
  const xq = scratch + panelBytes(n);
  const xqStride = (quantizedXBytes(n) + 15) & ~15;
  for (let t0 = 0; t0 < numRows; t0 += tokenBlock) {
    const rows = min(tokenBlock, numRows - t0);
    for (let t = 0; t < rows; t++) quantizeX(x + <usize>(t0 + t) * xs, n, xq + <usize>t * xqStride);
    if (numRows <= GEMV_MAX_ROWS) {
      // The panel's space is free here: the GEMV's 32 bytes of per-row factors go there.
      if (type == W_Q8_0 && rows > 1) {
        // Q8_0: each block widened once for all the tokens (same bits per token).
        for (let o = o0; o < o1; o++) {
          dotRowQ8_0Tokens(rows, w + <usize>o * rs, xq, xqStride, n, out + <usize>t0 * os + (<usize>o << 2), os);
        }
        continue;
      }
      for (let o = o0; o < o1; o++) {
        for (let t = 0; t < rows; t++) {
          const ot = out + <usize>(t0 + t) * os + (<usize>o << 2);
          store<f32>(ot, dotRowQ(type, w + <usize>o * rs, xq + <usize>t * xqStride, n, panel));
        }
      }
      continue;
    }
    for (let o = o0; o < o1; o += 4) {
      // Rows past o1 repeat the last one (their lanes are not stored).
      const last = o1 - 1;
      const w0 = w + <usize>o * rs;
      const w1 = w + <usize>min(o + 1, last) * rs;
      const w2 = w + <usize>min(o + 2, last) * rs;
      const w3 = w + <usize>min(o + 3, last) * rs;
      packQuad(type, w0, w1, w2, w3, n, panel);
      const valid = o1 - o;
      const ot = out + (<usize>o << 2);
      let t = 0;
      for (; t + 3 < rows; t += 4) {
        dotQuadFour(type, panel, xq + <usize>t * xqStride, xqStride, nb, ot + <usize>(t0 + t) * os, os, valid);
      }
      for (; t + 1 < rows; t += 2) {
        const xa = xq + <usize>t * xqStride;
        const oa = ot + <usize>(t0 + t) * os;
        dotQuadPair(type, panel, xa, xa + xqStride, nb, oa, oa + os, valid);
      }
      if (t < rows) storeLanes(ot + <usize>(t0 + t) * os, dotQuad(type, panel, xq + <usize>t * xqStride, nb), valid);
    }
  }
}
