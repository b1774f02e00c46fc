import { open } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { TokenizerError } from "../../errors.js";
import { directoryFiles } from "../../files/directory-files.js";
import type { ModelFiles } from "../../files/model-files.js";
import { readJsonObject } from "../../files/read-json.js";
import { loadModelWeights } from "../../load/load-model.js";
import { checkQuantScheme, type QuantScheme } from "../../quant/quant-scheme.js";
import { quantizeWeights } from "../../quant/quantize-weights.js";
import { chatTemplateSource } from "../../tokenizer/chat-template.js";
import { encodeGgufHeader, ggufLayout } from "./encode-header.js";
import { GGUF_ARCHITECTURE, ggufTensors } from "./gguf-tensors.js";
import { GGUF_FILE_TYPE } from "./gguf-types.js";
import { modelMetadata } from "./model-metadata.js";
import { parseTokenizerJson } from "./token-table.js";
import { type TokenizerSource, tokenizerMetadata } from "./tokenizer-metadata.js";

/** Options of {@link writeGguf}. */
export interface WriteGgufOptions {
  /**
   * Storage type of the matrices; 1-D tensors (norms, biases) are always F32. A quantized type
   * follows `quantizeWeights`' rules (q4_k: Q4_K with the LM head at Q6_K, llama.cpp's Q4_K_M);
   * matrices whose rows fit no block format are written F16, as llama.cpp's quantizer does.
   */
  type: WriteGgufType;
  /** `general.name`; default the folder's name. */
  name?: string;
}

/** The matrix storage types {@link writeGguf} writes. */
export type WriteGgufType = "f32" | "f16" | QuantScheme;

const FILE_TYPE: Readonly<Record<WriteGgufType, number>> = {
  f32: GGUF_FILE_TYPE.ALL_F32,
  f16: GGUF_FILE_TYPE.MOSTLY_F16,
  q8_0: GGUF_FILE_TYPE.MOSTLY_Q8_0,
  q4_0: GGUF_FILE_TYPE.MOSTLY_Q4_0,
  q4_k: GGUF_FILE_TYPE.MOSTLY_Q4_K_M,
};

/** What {@link writeGguf} wrote. */
export interface WriteGgufResult {
  /** The GGUF architecture (`llama`, `qwen2`, `qwen3`). */
  architecture: string;
  numTensors: number;
  /** File size in bytes. */
  bytes: number;
}

/** The folder's tokenizer files, parsed; throws `tokenizer.missing` without a `tokenizer.json`. */
async function readTokenizer(files: ModelFiles): Promise<TokenizerSource> {
  const json = await readJsonObject(files, "tokenizer.json", "tokenizer", TokenizerError);
  const file = files.describe("tokenizer.json");
  if (!json) {
    throw new TokenizerError(
      "tokenizer.missing",
      `${file} does not exist: a GGUF file carries the tokenizer, so the folder needs one`,
      { details: { file } },
    );
  }
  const config = (await readJsonObject(files, "tokenizer_config.json", "tokenizer", TokenizerError)) ?? {};
  const jinja =
    (await files.size("chat_template.jinja")) === null ? null : await files.readText("chat_template.jinja");
  return {
    tokenizer: parseTokenizerJson(json, file),
    config,
    chatTemplate: chatTemplateSource(config, jinja),
    file,
  };
}

/**
 * A tool (Node only): converts a Hugging Face Llama / Mistral / Qwen2 / Qwen3 folder (config.json,
 * safetensors, tokenizer.json) into a GGUF v3 file llama.cpp loads, with F32, F16, Q8_0, Q4_0 or
 * Q4_K (Q4_K_M) matrices.
 * Tensors are read, converted and written one at a time. Bad folders throw the loader's typed
 * errors (`config.unsupported_architecture`, `tokenizer.missing`, `weights.*`, …).
 *
 * @example
 * await writeGguf("../shared/models/stories260K", "stories260K-f16.gguf", { type: "f16" });
 */
export async function writeGguf(
  modelDir: string,
  outPath: string,
  options: WriteGgufOptions,
): Promise<WriteGgufResult> {
  const format = options.type;
  if (format !== "f32" && format !== "f16") checkQuantScheme(format);
  const files = directoryFiles(modelDir);
  const loaded = await loadModelWeights(files);
  try {
    const weights =
      format === "f32" || format === "f16"
        ? loaded.weights
        : quantizeWeights(loaded.weights, loaded.config, format);
    const tokenizer = await readTokenizer(files);
    const name = options.name ?? basename(resolve(modelDir));
    const metadata = [
      ...modelMetadata(loaded.config, name, FILE_TYPE[format]),
      ...tokenizerMetadata(tokenizer, loaded.config),
    ];
    const tensors = ggufTensors(loaded.config, weights, format === "f32" ? "F32" : "F16");
    const header = encodeGgufHeader(metadata, tensors);
    const layout = ggufLayout(tensors);
    const handle = await open(outPath, "w");
    try {
      await handle.write(header);
      for (const [i, t] of tensors.entries()) {
        const offset = layout.offsets[i] as number;
        const data = await t.bytes();
        if (data.length !== layout.sizes[i]) {
          throw new Error(`${t.name}: ${data.length} bytes of data, the header promised ${layout.sizes[i]}`);
        }
        await handle.write(data, 0, data.length, header.length + offset);
      }
      // The last tensor's padding, so the file ends on the alignment like every tensor.
      await handle.truncate(header.length + layout.dataBytes);
    } finally {
      await handle.close();
    }
    const architecture = GGUF_ARCHITECTURE[loaded.config.architecture];
    return { architecture, numTensors: tensors.length, bytes: header.length + layout.dataBytes };
  } finally {
    await loaded.close();
  }
}
