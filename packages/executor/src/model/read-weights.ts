import type { ModelWeights as LazyWeights, TensorHandle } from "@pagoda/model-loaders";
import type { LayerWeights, ModelWeights } from "./shape.js";

/** Called after each tensor is read, with the bytes read so far (as stored on disk) and in all. */
export type WeightsProgress = (loadedBytes: number, totalBytes: number) => void;

/**
 * Reads every tensor of a loaded model as F32 (BF16 / F16 converted exactly), for the CPU
 * executor, reporting progress after each tensor when `onProgress` is given.
 */
export async function readWeightsF32(lazy: LazyWeights, onProgress?: WeightsProgress): Promise<ModelWeights> {
  const tied = lazy.lmHead === lazy.embedTokens;
  const handles = [lazy.embedTokens, ...lazy.layers.flatMap(layerHandles), lazy.finalNorm];
  if (!tied) handles.push(lazy.lmHead);
  const totalBytes = handles.reduce((sum, h) => sum + h.byteLength, 0);
  let loaded = 0;
  const read = async (h: TensorHandle) => {
    const data = await h.read();
    loaded += h.byteLength;
    onProgress?.(loaded, totalBytes);
    return data;
  };
  const embedTokens = await read(lazy.embedTokens);
  const layers: LayerWeights[] = [];
  for (const l of lazy.layers) {
    layers.push({
      inputNorm: await read(l.inputNorm),
      q: await read(l.q),
      k: await read(l.k),
      v: await read(l.v),
      o: await read(l.o),
      ...(l.qBias && { qBias: await read(l.qBias) }),
      ...(l.kBias && { kBias: await read(l.kBias) }),
      ...(l.vBias && { vBias: await read(l.vBias) }),
      ...(l.qNorm && { qNorm: await read(l.qNorm) }),
      ...(l.kNorm && { kNorm: await read(l.kNorm) }),
      postAttnNorm: await read(l.postAttnNorm),
      gate: await read(l.gate),
      up: await read(l.up),
      down: await read(l.down),
    });
  }
  const finalNorm = await read(lazy.finalNorm);
  const lmHead = tied ? embedTokens : await read(lazy.lmHead);
  return { embedTokens, layers, finalNorm, lmHead };
}

function layerHandles(l: LazyWeights["layers"][number]): TensorHandle[] {
  const optional = [l.qBias, l.kBias, l.vBias, l.qNorm, l.kNorm].filter((h) => h !== undefined);
  return [l.inputNorm, l.q, l.k, l.v, l.o, ...optional, l.postAttnNorm, l.gate, l.up, l.down];
}
