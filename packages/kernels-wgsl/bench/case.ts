import type { KernelContext } from "../src/index.js";

/** A kernel set up once and recorded many times. */
export interface PreparedCase {
  /** Records one execution of the kernel(s) under test. */
  record(pass: GPUComputePassEncoder): void;
  /** Releases what `prepare` made. */
  destroy(): void;
}

/** One benchmark case. Files in `bench/cases/` export `cases: BenchCase[]`; the script finds them. */
export interface BenchCase {
  /** Kernel family, e.g. "matmul.gemv". */
  readonly kernel: string;
  /** What this case runs, e.g. "1×1024 · [3072×1024]ᵀ f16". */
  readonly name: string;
  /** Bytes one execution must move at least (reads + writes of global memory). */
  readonly bytes: number;
  /** Floating-point operations of one execution (0 for pure data movement). */
  readonly flops: number;
  /** Allocates and fills buffers; runs before timing. */
  prepare(ctx: KernelContext): PreparedCase;
}
