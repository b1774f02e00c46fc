import type { ModelWeights as LazyWeights } from "@pagoda/model-loaders";
import type { LayerWeights, ModelWeights } from "./shape.js";

/** Reads every tensor of a loaded model as F32 (BF16 / F16 converted exactly), for the CPU executor. */
export async function readWeightsF32(lazy: LazyWeights): Promise<ModelWeights> {
  const embedTokens = await lazy.embedTokens.read();
  const layers: LayerWeights[] = [];
  for (const l of lazy.layers) {
    layers.push({
      inputNorm: await l.inputNorm.read(),
      q: await l.q.read(),
      k: await l.k.read(),
      v: await l.v.read(),
      o: await l.o.read(),
      ...(l.qBias && { qBias: await l.qBias.read() }),
      ...(l.kBias && { kBias: await l.kBias.read() }),
      ...(l.vBias && { vBias: await l.vBias.read() }),
      ...(l.qNorm && { qNorm: await l.qNorm.read() }),
      ...(l.kNorm && { kNorm: await l.kNorm.read() }),
      postAttnNorm: await l.postAttnNorm.read(),
      gate: await l.gate.read(),
      up: await l.up.read(),
      down: await l.down.read(),
    });
  }
  const finalNorm = await lazy.finalNorm.read();
  const lmHead = lazy.lmHead === lazy.embedTokens ? embedTokens : await lazy.lmHead.read();
  return { embedTokens, layers, finalNorm, lmHead };
}
