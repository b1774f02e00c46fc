// One Q6_K super-block: each 16-value sub-block gets a signed scale (fitSigned), the scales are
// stored as int8 multiples of the f16 d (the largest as -128), and the values are re-quantized
// against the scales as stored.

import { fitSigned } from "./fit-signed.js";
import { roundClamp, storeHalf } from "./round.js";

const f = Math.fround;

/** Quantizes `x[xo .. xo + 256)` into the 210 bytes at `out[o]`. */
export function quantizeQ6_KBlock(x: Float32Array, xo: number, out: Uint8Array, o: number): void {
  const scales: number[] = [];
  let maxScale = 0;
  for (let i = 0; i < 16; i++) {
    const scale = fitSigned(x, xo + 16 * i, 16, 32);
    scales.push(scale);
    if (Math.abs(scale) > Math.abs(maxScale)) maxScale = scale;
  }
  const iscale = maxScale !== 0 ? -128 / maxScale : 0;
  const d = storeHalf(out, o + 208, maxScale !== 0 ? 1 / iscale : 0);
  const levels = new Uint8Array(256);
  for (let i = 0; i < 16; i++) {
    const sc = roundClamp(iscale * (scales[i] as number), -128, 127);
    out[o + 192 + i] = sc & 0xff;
    const di = f(d * sc);
    for (let k = 16 * i; k < 16 * i + 16; k++) {
      levels[k] = di !== 0 ? roundClamp((x[xo + k] as number) / di, -32, 31) + 32 : 32;
    }
  }
  for (let h = 0; h < 2; h++) {
    for (let l = 0; l < 32; l++) {
      const at = 128 * h + l;
      const q1 = levels[at] as number;
      const q2 = levels[at + 32] as number;
      const q3 = levels[at + 64] as number;
      const q4 = levels[at + 96] as number;
      out[o + 64 * h + l] = (q1 & 15) | ((q3 & 15) << 4);
      out[o + 64 * h + l + 32] = (q2 & 15) | ((q4 & 15) << 4);
      out[o + 128 + 32 * h + l] = (q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6);
    }
  }
}
