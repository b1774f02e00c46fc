import { QUANT_BLOCK_WORDS, type QuantDType, quantBlockElements } from "./quant-layout.js";

// Helpers every quant loader uses: the four bytes of a word as u32 lanes, an f16 half of a word.
const BYTES = /* wgsl */ `
fn q_bytes(w: u32) -> vec4u { return (vec4u(w) >> vec4u(0u, 8u, 16u, 24u)) & vec4u(0xffu); }
fn q_sbytes(w: u32) -> vec4i { return vec4i(vec4u(w) << vec4u(24u, 16u, 8u, 0u)) >> vec4u(24u); }`;

/**
 * The body computing `vec4f` elements `4·j … 4·j+3` of the block whose first word is `b`
 * (locals `b` and `j` in scope), from the GPU layout of quant-layout.ts, in the GGUF formulas'
 * f32 order.
 */
function quadBody(name: string, dtype: QuantDType): string {
  switch (dtype) {
    case "q8_0":
      return `  let d = unpack2x16float(${name}[b]).x;
  return d * vec4f(q_sbytes(${name}[b + 1u + j]));`;
    case "q4_0":
      // Quads 0-3 are the low nibbles of quant words 0-3, quads 4-7 their high nibbles.
      return `  let d = unpack2x16float(${name}[b]).x;
  let q = (${name}[b + 1u + (j & 3u)] >> ((j >> 2u) * 4u)) & 0x0f0f0f0fu;
  return d * (vec4f(q_bytes(q)) - 8.0);`;
    case "q4_k":
      // Sub-block s = j / 8 (32 elements): chunk s / 2 of 64, low nibbles for even s, high for odd.
      return `  let dm = unpack2x16float(${name}[b]);
  let s = j >> 3u;
  let q = (${name}[b + 4u + (s >> 1u) * 8u + (j & 7u)] >> ((s & 1u) * 4u)) & 0x0f0f0f0fu;
  var sc: u32;
  var mn: u32;
  if (s < 4u) {
    sc = ${name}_sbyte(b, s) & 63u;
    mn = ${name}_sbyte(b, s + 4u) & 63u;
  } else {
    let hi = ${name}_sbyte(b, s + 4u);
    sc = (hi & 15u) | ((${name}_sbyte(b, s - 4u) >> 6u) << 4u);
    mn = (hi >> 4u) | ((${name}_sbyte(b, s) >> 6u) << 4u);
  }
  let d1 = dm.x * f32(sc);
  let m1 = dm.y * f32(mn);
  return d1 * vec4f(q_bytes(q)) - m1;`;
    case "q6_k":
      // Element e = 4j: half h = e / 128; in it, quarter r = (e % 128) / 32 and lane l = e % 32.
      return `  let h = j >> 5u;
  let r = (j >> 3u) & 3u;
  let l = (j & 7u) * 4u;
  let lo = (${name}[b + (64u * h + l + 32u * (r & 1u)) / 4u] >> ((r >> 1u) * 4u)) & 0x0f0f0f0fu;
  let hi = (${name}[b + 32u + (32u * h + l) / 4u] >> (2u * r)) & 0x03030303u;
  let q = vec4i(q_bytes(lo | (hi << 4u))) - 32;
  let si = 8u * h + l / 16u + 2u * r;
  let sc = q_sbytes(${name}[b + 48u + si / 4u])[si & 3u];
  let d = unpack2x16float(${name}[b + 52u]).x;
  return (d * f32(sc)) * vec4f(q);`;
  }
}

/**
 * WGSL of a read-only block-quantized weight binding `name` (array<u32> in the GPU layout) with
 * `<name>_at4(i) -> vec4f`: elements 4i … 4i+3 counted across the whole part (rows are whole
 * blocks, so row n's quad k is `i = n·cols/4 + k`), and `<name>_at(i) -> f32`. Each call
 * dequantizes in registers from the block's scale(s); nothing is expanded in memory.
 */
export function quantBindingWgsl(binding: number, name: string, dtype: QuantDType): string {
  const quadsPerBlock = quantBlockElements(dtype) / 4; // 8 or 64: a power of two
  const shift = Math.log2(quadsPerBlock);
  const scaleByte =
    dtype === "q4_k"
      ? `
// Byte k of the 12 packed 6-bit scales and mins (words 1-3 of the block).
fn ${name}_sbyte(b: u32, k: u32) -> u32 { return (${name}[b + 1u + k / 4u] >> ((k & 3u) * 8u)) & 0xffu; }`
      : "";
  return /* wgsl */ `@group(0) @binding(${binding}) var<storage, read> ${name}: array<u32>;${BYTES}${scaleByte}
fn ${name}_at4(i: u32) -> vec4f {
  let b = (i >> ${shift}u) * ${QUANT_BLOCK_WORDS[dtype]}u;
  let j = i & ${quadsPerBlock - 1}u;
${quadBody(name, dtype)}
}
fn ${name}_at(i: u32) -> f32 { return ${name}_at4(i >> 2u)[i & 3u]; }`;
}
