/**
 * Inverse frequencies to feed the rotating kernels in tests and benchmarks: the plain
 * `theta^(-2i / headDim)` ladder, `headDim / 2` of them. The kernels take any values; a model's
 * own (llama3 scaling included) come from model-loaders' `ropeInvFreq`.
 */
export function ropeTestFrequencies(headDim: number, theta: number): Float32Array {
  return Float32Array.from({ length: headDim / 2 }, (_, i) => theta ** ((-2 * i) / headDim));
}
