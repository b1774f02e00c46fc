import { quantBindingWgsl } from "./quant-wgsl.js";
import { isQuantDType, type WeightDType } from "./weights.js";

/** How a shader reads F16 weights: native `f16` loads (needs `shader-f16`) or packed words. */
export type HalfLoads = "native" | "packed";

/** `native` when the device has `shader-f16`, else `packed`; F32 weights ignore it. */
export function halfLoads(features: ReadonlySet<string>): HalfLoads {
  return features.has("shader-f16") ? "native" : "packed";
}

/** The dtype part of a pipeline key: `f32`, `f16-native`, `f16-packed` or a quant dtype (`q4_k`). */
export function weightKey(dtype: WeightDType, half: HalfLoads): string {
  return dtype === "f16" ? `f16-${half}` : dtype;
}

/** The directive a module with native f16 loads must start with (empty otherwise). */
export function enableWgsl(dtype: WeightDType, half: HalfLoads): string {
  return dtype === "f16" && half === "native" ? "enable f16;" : "";
}

/**
 * WGSL declaring a read-only weight binding and a loader `<name>_at(i) -> f32` (element i) or,
 * with `vec4`, `<name>_at4(i) -> vec4f` (elements 4i..4i+3). F16 weights are read as `f16`
 * with `shader-f16`, and otherwise as packed words widened by the core `unpack2x16float`:
 * same results, the native form is faster where the hardware converts halves. Quantized weights
 * are u32 words dequantized in registers by each call, and offer both loaders.
 */
export function weightBindingWgsl(
  binding: number,
  name: string,
  dtype: WeightDType,
  vec4: boolean,
  half: HalfLoads,
): string {
  if (isQuantDType(dtype)) return quantBindingWgsl(binding, name, dtype);
  const decl = (type: string) => `@group(0) @binding(${binding}) var<storage, read> ${name}: array<${type}>;`;
  if (dtype === "f32" || half === "native") {
    const [s, v] = dtype === "f32" ? ["f32", "vec4f"] : ["f16", "vec4<f16>"];
    return vec4
      ? `${decl(v)}\nfn ${name}_at4(i: u32) -> vec4f { return vec4f(${name}[i]); }`
      : `${decl(s)}\nfn ${name}_at(i: u32) -> f32 { return f32(${name}[i]); }`;
  }
  if (vec4) {
    return `${decl("vec2u")}
fn ${name}_at4(i: u32) -> vec4f {
  let v = ${name}[i];
  return vec4f(unpack2x16float(v.x), unpack2x16float(v.y));
}`;
  }
  return `${decl("u32")}
fn ${name}_at(i: u32) -> f32 {
  let pair = unpack2x16float(${name}[i >> 1u]);
  return select(pair.x, pair.y, (i & 1u) == 1u);
}`;
}
