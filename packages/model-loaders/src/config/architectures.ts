/** The model families Pagoda runs; all share the Llama decoder layer with small variations. */
export type ModelFamily = "llama" | "mistral" | "qwen2" | "qwen3";

/** What distinguishes one supported `architectures[0]` class from the plain Llama layer. */
export interface ArchitectureSpec {
  readonly family: ModelFamily;
  /** q/k/v projections always carry a bias (Qwen2), whatever `attention_bias` says. */
  readonly qkvBias: boolean;
  /** Per-head RMSNorm on q and k before RoPE (Qwen3). */
  readonly qkNorm: boolean;
  /** `max_position_embeddings` default of the Hugging Face config class. */
  readonly defaultMaxPositions: number;
}

/** Supported Hugging Face `architectures` class names. */
export const ARCHITECTURES: Readonly<Record<string, ArchitectureSpec>> = {
  LlamaForCausalLM: { family: "llama", qkvBias: false, qkNorm: false, defaultMaxPositions: 2048 },
  MistralForCausalLM: { family: "mistral", qkvBias: false, qkNorm: false, defaultMaxPositions: 131072 },
  Qwen2ForCausalLM: { family: "qwen2", qkvBias: true, qkNorm: false, defaultMaxPositions: 32768 },
  Qwen3ForCausalLM: { family: "qwen3", qkvBias: false, qkNorm: true, defaultMaxPositions: 32768 },
};

/** The architecture class name for a family (the writer's inverse of {@link ARCHITECTURES}). */
export function architectureOf(family: ModelFamily): string {
  const entry = Object.entries(ARCHITECTURES).find(([, spec]) => spec.family === family);
  return (entry as [string, ArchitectureSpec])[0];
}
