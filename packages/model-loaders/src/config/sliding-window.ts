import type { ModelFamily } from "./architectures.js";
import type { ConfigFields } from "./config-fields.js";

/**
 * Rejects configs whose attention is limited to a sliding window shorter than the context:
 * Pagoda's kernels attend to every earlier position, so such a model would silently produce
 * wrong outputs past the window. A window that covers all positions is the same as full
 * attention and is accepted, as are `sliding_window: null` and Qwen's `use_sliding_window: false`.
 */
export function checkSlidingWindow(fields: ConfigFields, family: ModelFamily, maxPositions: number): void {
  const json = fields.json;
  let window: unknown = null;
  if (family === "mistral") window = json.sliding_window ?? null;
  if ((family === "qwen2" || family === "qwen3") && json.use_sliding_window === true) {
    window = json.sliding_window ?? null;
  }
  const layerTypes = Array.isArray(json.layer_types) ? json.layer_types : [];
  if (layerTypes.includes("sliding_attention")) window = json.sliding_window ?? window ?? "unset";
  if (window === null) return;
  if (typeof window === "number" && window >= maxPositions) return;
  fields.fail(
    "sliding_window_unsupported",
    `sliding-window attention (sliding_window ${JSON.stringify(window)} < max_position_embeddings ${maxPositions}) ` +
      "is not supported: Pagoda attends to the whole context, so outputs past the window would be wrong. " +
      "Use a checkpoint with sliding_window null (or use_sliding_window false).",
    { slidingWindow: window, maxPositionEmbeddings: maxPositions },
  );
}
