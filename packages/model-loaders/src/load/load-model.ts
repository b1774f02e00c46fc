import { type GenerationConfig, parseGenerationConfig } from "../config/generation-config.js";
import { mapWeights } from "../config/map-weights.js";
import { type ModelConfig, parseModelConfig } from "../config/model-config.js";
import type { ModelWeights } from "../config/model-weights.js";
import { ModelConfigError, ModelResolveError, TokenizerError } from "../errors.js";
import type { ModelFiles } from "../files/model-files.js";
import { readJsonObject } from "../files/read-json.js";
import type { ResolveOptions } from "../resolve/resolve-options.js";
import type { ByteSource } from "../safetensors/byte-source.js";
import { openModelWeights } from "../safetensors/open-weights.js";
import type { ChatTemplate } from "../tokenizer/chat-template.js";
import type { Tokenizer } from "../tokenizer/tokenizer.js";
import { loadGgufModel, loadGgufWeights } from "./load-gguf.js";
import { loadTokenizer } from "./load-tokenizer.js";

/** A model's config and lazy weights; the tensors are read only when asked for. */
export interface LoadedWeights {
  readonly config: ModelConfig;
  readonly weights: ModelWeights;
  /** Where the files are: a directory, or the label of in-memory files. */
  readonly dir: string;
  /** Closes the weight files; tensor reads after this reject. */
  close(): Promise<void>;
}

/** Everything needed to serve a model: config, lazy weights, tokenizer, generation defaults. */
export interface LoadedModel extends LoadedWeights {
  readonly tokenizer: Tokenizer;
  readonly generationConfig: GenerationConfig;
  /** `null` for base models without a chat template. */
  readonly chatTemplate: ChatTemplate | null;
}

/** Options of {@link loadModel}: how a hub id is resolved (ignored for folders and `ModelFiles`). */
export type LoadModelOptions = ResolveOptions;

const GGUF_PATH = /\.gguf$/i;

/** A `.gguf` path or URL as a byte source: a file on disk (Node), or HTTP `Range` reads of a URL. */
async function ggufSource(source: string): Promise<ByteSource> {
  const { urlFiles } = await import("../files/url-files.js");
  if (/^https?:\/\//i.test(source)) {
    const cut = source.lastIndexOf("/");
    return urlFiles(source.slice(0, cut)).open(decodeURIComponent(source.slice(cut + 1)));
  }
  const { openFileByteSource } = await import("../node-only.js");
  return openFileByteSource(source).catch((cause: unknown) => {
    if ((cause as { code?: unknown }).code !== "ENOENT") throw cause;
    throw new ModelResolveError("resolve.not_found", `no GGUF file at ${source}`, {
      cause,
      details: { source },
    });
  });
}

async function filesOf(source: string | ModelFiles, options: LoadModelOptions): Promise<ModelFiles> {
  if (typeof source !== "string") return source;
  // Node-only code is imported on demand; in browser bundles it is a stand-in with a typed error.
  const { resolveModel, directoryFiles } = await import("../node-only.js");
  return directoryFiles(await resolveModel(source, options));
}

/**
 * Loads config and weights only (no tokenizer), e.g. for an executor test. `source` is a folder,
 * a hub id (`org/name`, Node), a `.gguf` file path or URL, or {@link ModelFiles}.
 */
export async function loadModelWeights(
  source: string | ModelFiles,
  options: LoadModelOptions = {},
): Promise<LoadedWeights> {
  if (typeof source === "string" && GGUF_PATH.test(source)) return loadGgufWeights(await ggufSource(source));
  const files = await filesOf(source, options);
  const json = await readJsonObject(files, "config.json", "config", ModelConfigError);
  if (!json) {
    throw new ModelConfigError("config.missing", `${files.describe("config.json")} does not exist`, {
      details: { file: files.describe("config.json") },
    });
  }
  const config = parseModelConfig(json, files.describe("config.json"));
  const st = await openModelWeights(files);
  try {
    const weights = mapWeights(st.tensors, config, files.location);
    return { config, weights, dir: files.location, close: () => st.close() };
  } catch (err) {
    await st.close();
    throw err;
  }
}

/**
 * Loads a model for serving. `source` is a local folder, a hub id (`org/name`: found in the
 * Hugging Face cache or downloaded, Node only), a `.gguf` file (a path in Node, or an
 * `http(s)://…/x.gguf` URL read with `Range` requests) or {@link ModelFiles} (e.g.
 * `memoryFiles` in a browser). Only headers are read; call `close()` when done.
 *
 * @example
 * const model = await loadModel("../shared/models/stories260K");
 * const ids = model.tokenizer.encode("Once upon a time"); // [1, 403, 407, 261, 378]
 * const embed = await model.weights.embedTokens.read(); // Float32Array(512 * 64)
 * await model.close();
 */
export async function loadModel(
  source: string | ModelFiles,
  options: LoadModelOptions = {},
): Promise<LoadedModel> {
  if (typeof source === "string" && GGUF_PATH.test(source)) return loadGgufModel(await ggufSource(source));
  const files = await filesOf(source, options);
  const loaded = await loadModelWeights(files);
  try {
    const { tokenizer, chatTemplate } = await loadTokenizer(files);
    if (tokenizer.vocabSize > loaded.config.vocabSize) {
      throw new TokenizerError(
        "tokenizer.vocab_mismatch",
        `${files.describe("tokenizer.json")} has ids up to ${tokenizer.vocabSize - 1}, but ${files.describe("config.json")} has vocab_size ${loaded.config.vocabSize}`,
        { details: { file: files.describe("tokenizer.json"), tokenizerVocab: tokenizer.vocabSize } },
      );
    }
    const gen = await readJsonObject(files, "generation_config.json", "config", ModelConfigError);
    const generationConfig = parseGenerationConfig(
      gen,
      loaded.config,
      files.describe("generation_config.json"),
    );
    return { ...loaded, tokenizer, chatTemplate, generationConfig };
  } catch (err) {
    await loaded.close();
    throw err;
  }
}
