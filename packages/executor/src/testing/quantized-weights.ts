import {
  dequantize,
  type ModelWeights,
  type QuantType,
  quantize,
  quantRowBytes,
  type TensorHandle,
} from "@pagoda/model-loaders";
import type { LayerTensor } from "../model/plan.js";

/** Which tensors to quantize, and to what; tensors left out keep their checkpoint dtype. */
export interface QuantRecipe {
  readonly embedTokens?: QuantType;
  /** Ignored when the LM head is tied to the embedding (it is the same tensor). */
  readonly lmHead?: QuantType;
  readonly layer: (index: number) => Partial<Record<LayerTensor, QuantType>>;
}

/**
 * A handle on `h` quantized to `type`, the way a GGUF handle behaves: `readRaw()` gives the
 * packed blocks and `read()` their dequantized F32 values (what the reference executor computes
 * with). The rows of `h` must be whole blocks.
 */
export function quantizedHandle(h: TensorHandle, type: QuantType): TensorHandle {
  const cols = h.shape.at(-1) as number;
  let packed: Promise<Uint8Array> | undefined;
  const readRaw = () => {
    packed ??= h.read().then((values) => quantize(type, values, cols));
    return packed;
  };
  return {
    name: h.name,
    dtype: type,
    shape: h.shape,
    numel: h.numel,
    byteLength: (h.numel / cols) * quantRowBytes(type, cols),
    readRaw,
    async read(out?: Float32Array) {
      const target = out ? out.subarray(0, h.numel) : new Float32Array(h.numel);
      return dequantize(type, await readRaw(), target);
    },
  };
}

/** `weights` with the tensors `recipe` names replaced by {@link quantizedHandle}s. */
export function quantizeWeights(weights: ModelWeights, recipe: QuantRecipe): ModelWeights {
  const tied = weights.lmHead === weights.embedTokens;
  const q = (h: TensorHandle, type: QuantType | undefined) => (type ? quantizedHandle(h, type) : h);
  const embedTokens = q(weights.embedTokens, recipe.embedTokens);
  return {
    embedTokens,
    lmHead: tied ? embedTokens : q(weights.lmHead, recipe.lmHead),
    finalNorm: weights.finalNorm,
    layers: weights.layers.map((layer, i) => {
      const types = recipe.layer(i);
      const out: Record<string, TensorHandle | undefined> = { ...layer };
      for (const [tensor, type] of Object.entries(types)) {
        const h = layer[tensor as LayerTensor];
        if (h && type) out[tensor] = quantizedHandle(h, type);
      }
      return out as unknown as ModelWeights["layers"][number];
    }),
  };
}
