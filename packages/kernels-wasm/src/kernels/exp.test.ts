import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";
import { beforeAll, describe, expect, it } from "vitest";
import { type WasmMemory, wasmApi } from "../runtime/wasm-api.js";

// assembly/exp.ts has no launcher of its own (it is inlined into swiglu and pagedAttention), so
// this test compiles it with a small harness, with the flags of the kernels module, and sweeps
// it against Math.exp. Accuracy stated in exp.ts: ≤ 1 ulp over [ln FLT_MIN, ln FLT_MAX].

const HARNESS = `import { expF32, expF32x4 } from "./exp";
export function expVec(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) v128.store(dst + (<usize>i << 2), expF32x4(v128.load(src + (<usize>i << 2))));
}
export function expScalar(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(dst + (<usize>i << 2), expF32(load<f32>(src + (<usize>i << 2))));
}`;
const EXP_SOURCE = fileURLToPath(new URL("../../assembly/exp.ts", import.meta.url));
const CHUNK = 1 << 16;
const SRC = 1 << 16;
const DST = SRC + CHUNK * 4;

interface Harness {
  expVec(src: number, dst: number, n: number): void;
  expScalar(src: number, dst: number, n: number): void;
  memory: WasmMemory;
}

async function compileHarness(): Promise<Harness> {
  let wasm: Uint8Array | undefined;
  const { error, stderr } = await asc.main(
    ["harness.ts", "-O3", "--runtime", "stub", "--noAssert", "--enable", "simd", "-o", "harness.wasm"],
    {
      readFile: (name: string) =>
        name === "harness.ts" ? HARNESS : name === "exp.ts" ? readFileSync(EXP_SOURCE, "utf8") : null,
      writeFile: (name: string, contents: Uint8Array | string) => {
        if (name.endsWith(".wasm")) wasm = contents as Uint8Array;
      },
      listFiles: () => [],
    },
  );
  if (error || wasm === undefined) throw new Error(`asc failed: ${error?.message}\n${stderr.toString()}`);
  const instance = await wasmApi.instantiate(await wasmApi.compile(wasm), { env: { abort() {} } });
  const exports = instance.exports as unknown as Harness;
  exports.memory.grow(16);
  return exports;
}

/** exp of every value (vector and scalar paths), in chunks. */
function expAll(h: Harness, xs: Float32Array): { vec: Float32Array; scalar: Float32Array } {
  const vec = new Float32Array(xs.length);
  const scalar = new Float32Array(xs.length);
  for (let i = 0; i < xs.length; i += CHUNK) {
    const part = xs.subarray(i, i + CHUNK);
    const n = part.length;
    new Float32Array(h.memory.buffer, SRC, n).set(part);
    h.expVec(SRC, DST, (n + 3) & ~3);
    vec.set(new Float32Array(h.memory.buffer, DST, n), i);
    h.expScalar(SRC, DST, n);
    scalar.set(new Float32Array(h.memory.buffer, DST, n), i);
  }
  return { vec, scalar };
}

/** |got − exact| in units of the f32 ulp at the exact value. */
function ulpError(got: number, exact: number): number {
  const e = Math.floor(Math.log2(exact));
  return Math.abs(got - exact) / 2 ** (Math.max(e, -126) - 23);
}

describe("exp (assembly/exp.ts)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await compileHarness();
  }, 30_000);

  it("is within 1 ulp of Math.exp over [ln FLT_MIN, ln FLT_MAX], scalar twin bit-identical", () => {
    // Every 97th f32 between the limits (≈ 23 M values).
    const bits = new Uint32Array(CHUNK);
    const xs = new Float32Array(bits.buffer);
    const ranges = [
      [0, Math.fround(87.33654), 0x80000000, 97],
      [0, Math.fround(88.72283), 0, 97],
    ] as const;
    let worst = 0;
    let worstX = 0;
    let count = 0;
    for (const [from, to, sign, step] of ranges) {
      const [a, b] = [from, to].map((v) => new Uint32Array(Float32Array.of(v).buffer)[0] as number);
      for (let u = a as number; u <= (b as number); ) {
        let n = 0;
        for (; n < CHUNK && u <= (b as number); n++, u += step) bits[n] = (u | sign) >>> 0;
        const part = xs.subarray(0, n);
        const { vec, scalar } = expAll(h, part);
        const [sb, vb] = [new Uint32Array(scalar.buffer), new Uint32Array(vec.buffer)];
        for (let i = 0; i < n; i++) {
          if (sb[i] !== vb[i]) expect.fail(`scalar exp(${part[i]}) = ${scalar[i]}, vector ${vec[i]}`);
          const err = ulpError(vec[i] as number, Math.exp(part[i] as number));
          if (err > worst) [worst, worstX] = [err, part[i] as number];
        }
        count += n;
      }
    }
    expect(count).toBeGreaterThan(20_000_000);
    expect(worst, `worst at x = ${worstX}`).toBeLessThanOrEqual(1);
    console.log(`exp: max error ${worst.toFixed(3)} ulp (at x = ${worstX}) over ${count} values`);
  }, 60_000);

  it("handles the limits: 0 below ln FLT_MIN and at −Infinity, Infinity above ln FLT_MAX, NaN", () => {
    const xs = Float32Array.from([
      Number.NEGATIVE_INFINITY,
      -1e30,
      -104,
      -87.4,
      -87.3366,
      0,
      -0,
      88.7229,
      89,
      1e30,
      Number.POSITIVE_INFINITY,
      Number.NaN,
    ]);
    const { vec, scalar } = expAll(h, xs);
    expect(new Uint32Array(scalar.buffer)).toEqual(new Uint32Array(vec.buffer));
    expect(Array.from(new Uint32Array(vec.buffer, 0, 5))).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(vec.subarray(5))).toEqual([1, 1, Infinity, Infinity, Infinity, Infinity, Number.NaN]);
  });
});
