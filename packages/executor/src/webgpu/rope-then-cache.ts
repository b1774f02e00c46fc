import {
  encodeReshapeAndCache,
  encodeRope,
  encodeRopeAndCache,
  type KernelContext,
  type RopeAndCacheArgs,
  ropeAndCacheSupports,
} from "@pagoda/kernels-wgsl";

/**
 * RoPE on the q and k heads, then k and v into the cache: one fused dispatch where the head
 * dimension allows it (a multiple of 8), else the two kernels it fuses.
 */
export function encodeRopeThenCache(
  pass: GPUComputePassEncoder,
  ctx: KernelContext,
  args: RopeAndCacheArgs,
): void {
  if (ropeAndCacheSupports(args.headDim)) {
    encodeRopeAndCache(pass, ctx, args);
    return;
  }
  const { numHeads, numKvHeads, headDim, rowStride } = args;
  // q and k heads are adjacent in each row, so one dispatch rotates both.
  encodeRope(pass, ctx, {
    numTokens: args.numTokens,
    numHeads: numHeads + numKvHeads,
    headDim,
    invFreq: args.invFreq,
    positions: args.positions,
    x: args.qkv,
    ...(rowStride !== undefined && { rowStride }),
  });
  encodeReshapeAndCache(pass, ctx, {
    ...args,
    key: args.qkv,
    value: args.qkv,
    keyColOffset: numHeads * headDim,
    valueColOffset: (numHeads + numKvHeads) * headDim,
  });
}
