// One Q4_K super-block: each 32-value sub-block gets its own fitted scale and min; those are then
// stored as 6-bit multiples of the super-block's f16 d and dmin, and the values are re-quantized
// against the scales as stored, so rounding of the scales does not add to the error twice.

import { fitScaleMin } from "./fit-scale-min.js";
import { roundClamp, storeHalf } from "./round.js";

const f = Math.fround;

/** Quantizes `x[xo .. xo + 256)` into the 144 bytes at `out[o]`. */
export function quantizeQ4_KBlock(x: Float32Array, xo: number, out: Uint8Array, o: number): void {
  const scales: number[] = [];
  const mins: number[] = [];
  for (let j = 0; j < 8; j++) {
    const fit = fitScaleMin(x, xo + 32 * j, 32, 15);
    scales.push(fit.scale);
    mins.push(-fit.min);
  }
  const maxScale = Math.max(...scales);
  const maxMin = Math.max(...mins);
  const ls = scales.map((s) => (maxScale > 0 ? roundClamp((63 / maxScale) * s, 0, 63) : 0));
  const lm = mins.map((m) => (maxMin > 0 ? roundClamp((63 / maxMin) * m, 0, 63) : 0));
  const d = storeHalf(out, o, maxScale / 63);
  const dmin = storeHalf(out, o + 2, maxMin / 63);
  packScales(ls, lm, out, o + 4);
  const levels = new Uint8Array(256);
  for (let j = 0; j < 8; j++) {
    // The scale and min exactly as dequantize computes them.
    const dj = f(d * (ls[j] as number));
    const mj = f(dmin * (lm[j] as number));
    for (let i = 32 * j; i < 32 * j + 32; i++) {
      levels[i] = dj > 0 ? roundClamp(((x[xo + i] as number) + mj) / dj, 0, 15) : 0;
    }
  }
  for (let c = 0; c < 4; c++) {
    for (let l = 0; l < 32; l++) {
      out[o + 16 + 32 * c + l] = (levels[64 * c + l] as number) | ((levels[64 * c + 32 + l] as number) << 4);
    }
  }
}

/** The 12 scale bytes: sub-blocks 0..3 in the low 6 bits, 4..7 split into a nibble and 2 top bits. */
function packScales(ls: number[], lm: number[], out: Uint8Array, s: number): void {
  for (let j = 0; j < 4; j++) {
    const hiScale = ls[j + 4] as number;
    const hiMin = lm[j + 4] as number;
    out[s + j] = (ls[j] as number) | ((hiScale >> 4) << 6);
    out[s + j + 4] = (lm[j] as number) | ((hiMin >> 4) << 6);
    out[s + j + 8] = (hiScale & 15) | ((hiMin & 15) << 4);
  }
}
