// Kernel ids passed to the module's `run`; assembly/kernel-ids.ts holds the same numbers.
export const KernelId = {
  /** Does nothing: measures the dispatch round trip. */
  noop: 0,
  matmul: 1,
  rmsNorm: 2,
  ropeAndCache: 3,
  pagedAttention: 4,
  swiglu: 5,
  embed: 6,
  gatherRows: 7,
  logitsStats: 8,
} as const;
