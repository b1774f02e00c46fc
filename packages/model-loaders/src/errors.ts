import { PagodaError } from "@pagoda/errors";

/**
 * A malformed or unreadable `.safetensors` file or shard index. Codes: `safetensors.empty`,
 * `.truncated`, `.header_too_large`, `.bad_header`, `.invalid_json`, `.unknown_dtype`,
 * `.offset_out_of_bounds`, `.overlap`, `.size_mismatch`, `.unsupported_conversion`, `.bad_index`,
 * `.missing_file`, `.missing_tensor`, `.closed`.
 */
export class SafetensorsError extends PagodaError {}

/**
 * A `config.json` / `generation_config.json` that is missing, malformed, self-contradictory or
 * describes a model Pagoda cannot run. Codes: `config.missing`, `.invalid_json`,
 * `.unsupported_architecture`, `.invalid_field`, `.inconsistent`, `.unsupported_rope_scaling`,
 * `.sliding_window_unsupported`, `.unsupported_feature`.
 */
export class ModelConfigError extends PagodaError {}

/**
 * Weights that do not match the config. Codes: `weights.missing`, `.missing_tensor`,
 * `.shape_mismatch`, `.unexpected_tensor`, `.unsupported_dtype`.
 */
export class WeightsError extends PagodaError {}

/**
 * A tokenizer that is missing, malformed, or disagrees with the model. Codes: `tokenizer.missing`,
 * `.invalid_json`, `.invalid`, `.vocab_mismatch`, `.no_chat_template`, `.chat_template`, `.unsupported`
 * (a kind the GGUF writer cannot carry).
 */
export class TokenizerError extends PagodaError {}

/**
 * A model that could not be found locally, in the Hugging Face cache, or on the hub. Codes:
 * `resolve.not_found`, `.not_cached`, `.download_failed`, `.fetch_failed` (`urlFiles`), `.needs_node`
 * (a path in a browser).
 */
export class ModelResolveError extends PagodaError {}

/**
 * A malformed or unsupported GGUF file (llama.cpp / Ollama). Codes: `gguf.bad_magic`,
 * `.unsupported_version`, `.truncated`, `.bad_header` (an absurd count, length, alignment or
 * tensor layout), `.unsupported_tensor_type`, `.missing_key`, `.bad_value` (a key of the wrong
 * type), `.unsupported_architecture`, `.unsupported_tokenizer`.
 */
export class GgufError extends PagodaError {}

/**
 * Block-quantized data that does not fit its format. Codes: `quant.bad_length` (packed bytes or value
 * count not whole blocks), `.bad_cols` (a row length that is not a multiple of the block),
 * `.bad_scheme` (an unknown quantization scheme).
 */
export class QuantError extends PagodaError {}
