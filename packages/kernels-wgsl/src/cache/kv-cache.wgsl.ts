import type { KvCacheDType } from "./kv-cache-layout.js";

/**
 * WGSL declaring the `keyCache` and `valueCache` bindings with `loadKey(i)` / `loadValue(i)`
 * (and, read-write, `storeKey(i, v)` / `storeValue(i, v)`) over vec4 index `i`. An f16 cache is
 * held as pairs of packed words and converted with the core `unpack2x16float` /
 * `pack2x16float`, so it works on devices without `shader-f16`.
 */
export function kvCacheWgsl(
  dtype: KvCacheDType,
  keyBinding: number,
  valueBinding: number,
  access: "read" | "read_write",
): string {
  const half = dtype === "f16";
  const element = half ? "vec2u" : "vec4f";
  const load = half ? "vec4f(unpack2x16float(x.x), unpack2x16float(x.y))" : "x";
  const store = half ? "vec2u(pack2x16float(v.xy), pack2x16float(v.zw))" : "v";
  const decls = /* wgsl */ `
@group(0) @binding(${keyBinding}) var<storage, ${access}> keyCache: array<${element}>;
@group(0) @binding(${valueBinding}) var<storage, ${access}> valueCache: array<${element}>;`;
  if (access === "read_write") {
    return /* wgsl */ `${decls}
fn storeKey(i: u32, v: vec4f) { keyCache[i] = ${store}; }
fn storeValue(i: u32, v: vec4f) { valueCache[i] = ${store}; }`;
  }
  return /* wgsl */ `${decls}
fn loadKey(i: u32) -> vec4f { let x = keyCache[i]; return ${load}; }
fn loadValue(i: u32) -> vec4f { let x = valueCache[i]; return ${load}; }`;
}
