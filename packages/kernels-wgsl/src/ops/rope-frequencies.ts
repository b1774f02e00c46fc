import { KernelError } from "../runtime/kernel-error.js";

/** Llama 3 RoPE frequency scaling (`rope_scaling` with `rope_type: "llama3"` in config.json). */
export interface Llama3RopeScaling {
  readonly factor: number;
  readonly lowFreqFactor: number;
  readonly highFreqFactor: number;
  readonly originalMaxPositionEmbeddings: number;
}

/** What RoPE needs from a model config. */
export interface RopeConfig {
  readonly headDim: number;
  /** `rope_theta`. */
  readonly theta: number;
  readonly llama3?: Llama3RopeScaling;
}

/**
 * The `headDim / 2` inverse frequencies `theta^(-2i/headDim)`, with llama3 scaling applied, as
 * the f32 values HF computes. The GPU kernel and the CPU reference executor both use these.
 */
export function ropeInverseFrequencies(config: RopeConfig): Float32Array {
  const { headDim, theta, llama3 } = config;
  if (!Number.isInteger(headDim) || headDim < 2 || headDim % 2 !== 0) {
    throw new KernelError("rope.bad_head_dim", `RoPE head_dim ${headDim} is not a positive even integer`);
  }
  if (!(theta > 0)) throw new KernelError("rope.bad_theta", `rope_theta ${theta} is not positive`);
  const half = headDim / 2;
  const out = new Float32Array(half);
  for (let i = 0; i < half; i++) {
    const freq = 1 / theta ** Math.fround((2 * i) / headDim);
    out[i] = llama3 ? llama3Scale(Math.fround(freq), llama3) : freq;
  }
  return out;
}

// Wavelengths shorter than the high-frequency bound keep their frequency, longer than the
// low-frequency bound are divided by `factor`, and the band between is interpolated smoothly.
function llama3Scale(freq: number, s: Llama3RopeScaling): number {
  if (!(s.factor > 0) || !(s.highFreqFactor > s.lowFreqFactor) || !(s.originalMaxPositionEmbeddings > 0)) {
    throw new KernelError("rope.bad_llama3", "llama3 rope_scaling needs factor > 0 and high > low", {
      details: { ...s },
    });
  }
  const old = s.originalMaxPositionEmbeddings;
  const wavelen = (2 * Math.PI) / freq;
  if (wavelen < old / s.highFreqFactor) return freq;
  if (wavelen > old / s.lowFreqFactor) return freq / s.factor;
  const smooth = (old / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
  return (1 - smooth) * (freq / s.factor) + smooth * freq;
}
