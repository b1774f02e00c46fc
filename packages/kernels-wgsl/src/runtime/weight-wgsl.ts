import type { WeightDType } from "./weights.js";

/**
 * WGSL declaring a read-only weight binding and a loader `<name>_at(i) -> f32` (element i) or,
 * with `vec4`, `<name>_at4(i) -> vec4f` (elements 4i..4i+3). F16 weights are bound as packed
 * words and widened with the core builtin `unpack2x16float`, so they need no `shader-f16`.
 */
export function weightBindingWgsl(binding: number, name: string, dtype: WeightDType, vec4: boolean): string {
  const decl = (type: string) => `@group(0) @binding(${binding}) var<storage, read> ${name}: array<${type}>;`;
  if (dtype === "f32") {
    return vec4
      ? `${decl("vec4f")}\nfn ${name}_at4(i: u32) -> vec4f { return ${name}[i]; }`
      : `${decl("f32")}\nfn ${name}_at(i: u32) -> f32 { return ${name}[i]; }`;
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
