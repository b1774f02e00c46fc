import { createWasmKernels } from "../create-wasm-kernels.js";
import type { WasmKernels } from "../wasm-kernels.js";

/** Copies `data` into a fresh allocation of `k` and returns its pointer. */
export function upload(k: WasmKernels, data: Float32Array | Int32Array | Uint8Array | Float64Array): number {
  const ptr = k.alloc(Math.max(data.byteLength, 4), 16);
  k.u8(ptr, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return ptr;
}

/** A single-thread and a two-thread instance, for tests that compare them bit for bit. */
export async function createKernelsPair(): Promise<{
  one: WasmKernels;
  two: WasmKernels;
  close(): Promise<void>;
}> {
  const one = await createWasmKernels({ threads: 1 });
  // parallelMinWork 0: every kernel goes to the pool, however small the test shape.
  const two = await createWasmKernels({ threads: 2, parallelMinWork: 0 });
  return {
    one,
    two,
    async close() {
      await one.close();
      await two.close();
    },
  };
}

/** The bits of `n` f32 at `ptr`, for bit-identity checks. */
export function bitsAt(k: WasmKernels, ptr: number, n: number): Uint32Array {
  return new Uint32Array(k.f32(ptr, n).slice().buffer);
}
