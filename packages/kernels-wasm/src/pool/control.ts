// The control area: a few i32 words and the kernel's f64 arguments, in the wasm memory so the
// calling thread and the workers share them without messages or allocation per dispatch.
// The worker source (worker-source.ts) repeats these offsets as literals.

/** i32 index of the generation counter: bumped once per dispatch. */
export const CTRL_GENERATION = 0;
/** i32 index of the number of workers that have not finished the current dispatch. */
export const CTRL_PENDING = 1;
/** i32 index of the kernel id of the current dispatch. */
export const CTRL_KERNEL = 2;
/** i32 index of the first failure: 0, or the failing worker's index + 1. */
export const CTRL_ERROR = 3;
/** i32 index of the stop flag: workers return when it is set. */
export const CTRL_STOP = 4;
/** i32 index of the number of workers asleep in Atomics.wait (the caller notifies only then). */
export const CTRL_SLEEPERS = 5;
/** Byte offset of the f64 arguments from the start of the control area. */
export const CTRL_ARGS_OFFSET = 64;
/** Maximum number of f64 arguments of a kernel. */
export const CTRL_MAX_ARGS = 32;
/** Bytes of the control area. */
export const CTRL_BYTES = CTRL_ARGS_OFFSET + CTRL_MAX_ARGS * 8;
