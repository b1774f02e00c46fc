// Kernel ids of `run`; src/kernel-ids.ts holds the same numbers (a test checks them).
export const K_NOOP: i32 = 0;
export const K_MATMUL: i32 = 1;
export const K_RMS_NORM: i32 = 2;
export const K_ROPE_AND_CACHE: i32 = 3;
export const K_PAGED_ATTENTION: i32 = 4;
export const K_SWIGLU: i32 = 5;
export const K_EMBED: i32 = 6;
export const K_GATHER_ROWS: i32 = 7;
export const K_LOGITS_STATS: i32 = 8;
