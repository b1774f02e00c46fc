import type { ModelShape } from "./shape.js";

/**
 * The forward pass's working arrays, each `[rows, width]` row-major F32: `logits` has a row per
 * sampling sequence, every other one a row per batch token.
 */
export type Activation = "residual" | "normed" | "qkv" | "attn" | "delta" | "gateUp" | "act" | "logits";

/** A checkpoint tensor, by its field in the loaders' `ModelWeights` (lazy handles or arrays alike). */
export type TensorRef =
  | { readonly tensor: "embedTokens" | "finalNorm" | "lmHead" }
  | { readonly layer: number; readonly tensor: LayerTensor };

/** The fields of one decoder layer's weights. */
export type LayerTensor =
  | "inputNorm"
  | "q"
  | "k"
  | "v"
  | "o"
  | "qBias"
  | "kBias"
  | "vBias"
  | "qNorm"
  | "kNorm"
  | "postAttnNorm"
  | "gate"
  | "up"
  | "down";

/**
 * A weight the plan reads: `parts` concatenated by rows into `[rows, cols]` (q|k|v, gate|up).
 * Matrices are `[out, in]`, read by `linear`; vectors (norms, biases) are `[1, length]` and F32.
 */
export interface PlanWeight {
  readonly name: string;
  readonly kind: "matrix" | "vector";
  readonly rows: number;
  readonly cols: number;
  readonly parts: readonly TensorRef[];
}

/**
 * One operation of the forward pass over the flattened batch. Each backend executes every kind
 * with its own kernels; the plan says what runs, in which order, on which named weights.
 */
export type PlanOp =
  /** `out[t] = table[tokenIds[t]]`. */
  | { readonly op: "embed"; readonly table: string; readonly out: Activation }
  /** With `residual`: `residual += x` (stored), then `out = rmsnorm(residual) · weight`; else of `x`. */
  | {
      readonly op: "rmsNorm";
      readonly x: Activation;
      readonly residual?: Activation;
      readonly weight: string;
      readonly out: Activation;
    }
  /** `out[t, o] = Σ_i x[t, i] · weight[o, i] (+ bias[o])`. */
  | {
      readonly op: "linear";
      readonly x: Activation;
      readonly weight: string;
      readonly bias?: string;
      readonly out: Activation;
    }
  /**
   * On the fused q|k|v rows: per-head RMSNorm of q and k where given (Qwen3), rotate-half RoPE
   * of q and k at each token's position, then k and v into layer `layer`'s paged cache.
   */
  | {
      readonly op: "ropeAndCache";
      readonly layer: number;
      readonly qkv: Activation;
      readonly qNorm?: string;
      readonly kNorm?: string;
    }
  /** Causal paged attention of the q heads of `qkv` over layer `layer`'s cache (GQA). */
  | { readonly op: "attention"; readonly layer: number; readonly qkv: Activation; readonly out: Activation }
  /** `out = silu(gate) · up` of `[gate | up]` rows. */
  | { readonly op: "swiglu"; readonly gateUp: Activation; readonly out: Activation }
  /** For each sampling row r: `out[s] = lmHead · (rmsnorm(hidden[r] + residual[r]) · norm)`. */
  | {
      readonly op: "logits";
      readonly hidden: Activation;
      readonly residual: Activation;
      readonly norm: string;
      readonly lmHead: string;
      readonly out: Activation;
    };

/** Which optional tensors a checkpoint has; everything else follows from the shape. */
export interface PlanFeatures {
  /** `lm_head` is `embed_tokens`. */
  readonly tiedEmbeddings: boolean;
  /** q/k/v biases (Qwen2). */
  readonly qkvBias: boolean;
  /** Per-head q/k RMSNorm (Qwen3). */
  readonly qkNorm: boolean;
}

/** The whole forward pass of a model: the weights it reads and the operations in order. */
export interface ForwardPlan {
  readonly shape: ModelShape;
  readonly weights: readonly PlanWeight[];
  readonly ops: readonly PlanOp[];
  /** Width of each activation's row. */
  readonly widths: Readonly<Record<Activation, number>>;
}

/**
 * The Llama-family decoder (Llama, Mistral, Qwen2, Qwen3) as a plan: embed → per layer
 * [RMSNorm (adding the previous MLP output to the residual after layer 0) → q|k|v (+bias) →
 * q/k norm, RoPE, K/V into the cache → paged attention → o-proj → residual add and RMSNorm →
 * gate|up → SwiGLU → down] → the sampling rows' final RMSNorm (adding the last MLP output) and
 * LM head.
 */
export function buildForwardPlan(shape: ModelShape, features: PlanFeatures): ForwardPlan {
  const { hiddenSize: hidden, numHeads, numKvHeads, headDim, intermediateSize: ffn, vocabSize } = shape;
  const qkvRows = (numHeads + 2 * numKvHeads) * headDim;
  const weights: PlanWeight[] = [];
  const matrix = (name: string, rows: number, cols: number, parts: TensorRef[]) => {
    weights.push({ name, kind: "matrix", rows, cols, parts });
    return name;
  };
  const vector = (name: string, length: number, parts: TensorRef[]) => {
    weights.push({ name, kind: "vector", rows: 1, cols: length, parts });
    return name;
  };
  const ops: PlanOp[] = [];
  const embed = matrix("embed", vocabSize, hidden, [{ tensor: "embedTokens" }]);
  ops.push({ op: "embed", table: embed, out: "residual" });
  for (let layer = 0; layer < shape.numLayers; layer++) {
    const p = `layers.${layer}`;
    const t = (tensor: LayerTensor): TensorRef => ({ layer, tensor });
    const inputNorm = vector(`${p}.input_norm`, hidden, [t("inputNorm")]);
    // Layer 0 normalises the embeddings; later layers first add the previous MLP output.
    ops.push(
      layer === 0
        ? { op: "rmsNorm", x: "residual", weight: inputNorm, out: "normed" }
        : { op: "rmsNorm", x: "delta", residual: "residual", weight: inputNorm, out: "normed" },
    );
    const qkv = matrix(`${p}.qkv`, qkvRows, hidden, [t("q"), t("k"), t("v")]);
    const bias = features.qkvBias
      ? vector(`${p}.qkv_bias`, qkvRows, [t("qBias"), t("kBias"), t("vBias")])
      : null;
    ops.push({ op: "linear", x: "normed", weight: qkv, ...(bias && { bias }), out: "qkv" });
    const norms = features.qkNorm
      ? {
          qNorm: vector(`${p}.q_norm`, headDim, [t("qNorm")]),
          kNorm: vector(`${p}.k_norm`, headDim, [t("kNorm")]),
        }
      : {};
    ops.push({ op: "ropeAndCache", layer, qkv: "qkv", ...norms });
    ops.push({ op: "attention", layer, qkv: "qkv", out: "attn" });
    const o = matrix(`${p}.o`, hidden, numHeads * headDim, [t("o")]);
    ops.push({ op: "linear", x: "attn", weight: o, out: "delta" });
    const postNorm = vector(`${p}.post_attn_norm`, hidden, [t("postAttnNorm")]);
    ops.push({ op: "rmsNorm", x: "delta", residual: "residual", weight: postNorm, out: "normed" });
    const gateUp = matrix(`${p}.gate_up`, 2 * ffn, hidden, [t("gate"), t("up")]);
    ops.push({ op: "linear", x: "normed", weight: gateUp, out: "gateUp" });
    ops.push({ op: "swiglu", gateUp: "gateUp", out: "act" });
    const down = matrix(`${p}.down`, hidden, ffn, [t("down")]);
    ops.push({ op: "linear", x: "act", weight: down, out: "delta" });
  }
  const norm = vector("final_norm", hidden, [{ tensor: "finalNorm" }]);
  const lmHead = features.tiedEmbeddings
    ? embed
    : matrix("lm_head", vocabSize, hidden, [{ tensor: "lmHead" }]);
  ops.push({ op: "logits", hidden: "delta", residual: "residual", norm, lmHead, out: "logits" });
  const widths: Record<Activation, number> = {
    residual: hidden,
    normed: hidden,
    qkv: qkvRows,
    attn: numHeads * headDim,
    delta: hidden,
    gateUp: 2 * ffn,
    act: ffn,
    logits: vocabSize,
  };
  return { shape, weights, ops, widths };
}
