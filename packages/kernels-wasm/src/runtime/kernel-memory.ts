import { WasmKernelError } from "../errors.js";
import type { WasmMemory } from "./wasm-api.js";

/** Bytes of a wasm page. */
export const WASM_PAGE_BYTES = 65536;

/**
 * A bump allocator over the wasm memory: allocations are never freed, start zeroed and grow
 * the memory as needed up to `maxBytes`. Views are made on the current buffer, which changes
 * when the memory grows (a non-shared buffer is then detached: make views again after `alloc`).
 */
export class KernelMemory {
  private top: number;

  constructor(
    readonly memory: WasmMemory,
    heapBase: number,
    readonly maxBytes: number,
  ) {
    this.top = heapBase;
  }

  /** Bytes the memory holds now. */
  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  /** Bytes allocated so far (static data included). */
  get used(): number {
    return this.top;
  }

  /** Allocates `byteLength` bytes aligned to `align` (a power of two) and returns the pointer. */
  alloc(byteLength: number, align = 16): number {
    if (!Number.isInteger(byteLength) || byteLength < 0) {
      throw new WasmKernelError(
        "kernels_wasm.bad_argument",
        `alloc: byteLength must be an integer >= 0, got ${byteLength}`,
      );
    }
    if (!Number.isInteger(align) || align <= 0 || (align & (align - 1)) !== 0) {
      throw new WasmKernelError(
        "kernels_wasm.bad_argument",
        `alloc: align must be a power of two, got ${align}`,
      );
    }
    const ptr = Math.ceil(this.top / align) * align;
    const end = ptr + byteLength;
    if (end > this.maxBytes) {
      throw new WasmKernelError(
        "kernels_wasm.out_of_memory",
        `kernels-wasm: cannot allocate ${byteLength} bytes: ${this.top} bytes are in use and the memory maximum is ${this.maxBytes} bytes`,
        { details: { requested: byteLength, used: this.top, maximum: this.maxBytes } },
      );
    }
    const have = this.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / WASM_PAGE_BYTES);
      try {
        this.memory.grow(pages);
      } catch (cause) {
        throw new WasmKernelError(
          "kernels_wasm.out_of_memory",
          `kernels-wasm: cannot grow the memory by ${pages * WASM_PAGE_BYTES} bytes (from ${have}) for ${byteLength} bytes`,
          { cause, details: { requested: byteLength, used: this.top, maximum: this.maxBytes } },
        );
      }
    }
    this.top = end;
    return ptr;
  }
}
