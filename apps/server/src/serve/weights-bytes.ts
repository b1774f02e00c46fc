import { isQuantType, type ModelWeights, type TensorHandle } from "@pagoda/model-loaders";

/**
 * Bytes the executors hold for these weights: every float tensor as F32 (both executors widen BF16 /
 * F16 on load), quantized ones packed as they are, a tied LM head once. An estimate for
 * `--gpu-memory-utilization`.
 */
export function weightsBytes(weights: ModelWeights): number {
  const seen = new Set<TensorHandle>();
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== "object") return;
    if (isHandle(value)) {
      seen.add(value);
      return;
    }
    for (const v of Object.values(value)) visit(v);
  };
  visit(weights);
  let bytes = 0;
  for (const h of seen) bytes += isQuantType(h.dtype) ? h.byteLength : h.numel * 4;
  return bytes;
}

function isHandle(value: object): value is TensorHandle {
  return "numel" in value && "read" in value;
}
