import {
  DEVICE_PROFILES,
  type DeviceProfile,
  type DeviceProfileName,
  type ModelShape,
  measureHostProfile,
  modelParamCounts,
} from "@pagoda/metrics";
import type { ModelConfig } from "@pagoda/model-loaders";

/** The names `--device-profile` accepts: the datasheet profiles of `@pagoda/metrics`. */
export const DEVICE_PROFILE_NAMES = Object.keys(DEVICE_PROFILES) as DeviceProfileName[];

/** Bytes one K or V element takes in a cache of this dtype (int8 rows carry an f32 scale per head). */
function kvBytesPerElement(dtype: string | undefined, headDim: number): number {
  if (dtype === "f32") return 4;
  if (dtype === "int8") return 1 + 4 / headDim;
  return 2; // f16, and the executors' default
}

/**
 * The roofline's view of a loaded model: its sizes from the config, the mean bytes a weight
 * takes as the executor holds them (`weightsBytes` over the parameters: F32 floats, packed
 * quantized blocks) and the KV cache's element width.
 */
export function servedModelShape(
  config: ModelConfig,
  weightsBytes: number,
  kvCacheDtype: string | undefined,
): ModelShape {
  const shape = {
    numLayers: config.numLayers,
    hiddenSize: config.hiddenSize,
    numHeads: config.numHeads,
    numKvHeads: config.numKvHeads,
    headDim: config.headDim,
    intermediateSize: config.intermediateSize,
    vocabSize: config.vocabSize,
    weightBytesPerParam: 1,
    kvBytesPerElement: kvBytesPerElement(kvCacheDtype, config.headDim),
  };
  // The step reads the layers and the LM head; the embedding table is stored too (unless tied).
  const embedding = config.tieWordEmbeddings ? 0 : config.vocabSize * config.hiddenSize;
  const params = modelParamCounts(shape).total + embedding;
  return { ...shape, weightBytesPerParam: weightsBytes > 0 ? weightsBytes / params : 1 };
}

/**
 * The device the executor runs on, as a roofline profile: the named datasheet profile when one
 * is given, else, for the CPU executors, this host measured with the executor's threads. A
 * WebGPU adapter reports neither its FLOP/s nor its bandwidth, so without a name it has none.
 */
export function servedDeviceProfile(
  name: DeviceProfileName | null,
  engine: { readonly device: string; readonly threads?: number },
): DeviceProfile | null {
  if (name !== null) return DEVICE_PROFILES[name];
  if (engine.device === "webgpu") return null;
  return measureHostProfile({ threads: engine.threads ?? 1 });
}
