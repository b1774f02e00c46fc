import { parseGenerationConfig } from "../config/generation-config.js";
import { TokenizerError } from "../errors.js";
import { ggufModelConfig } from "../gguf/gguf-config.js";
import type { GgufFile } from "../gguf/gguf-file.js";
import { openGguf } from "../gguf/gguf-file.js";
import type { GgufMetadata } from "../gguf/gguf-metadata.js";
import { ggufTokenizerJson } from "../gguf/gguf-tokenizer.js";
import { ggufWeights } from "../gguf/gguf-weights.js";
import type { ByteSource } from "../safetensors/byte-source.js";
import { ChatTemplate } from "../tokenizer/chat-template.js";
import { Tokenizer } from "../tokenizer/tokenizer.js";
import type { LoadedModel, LoadedWeights } from "./load-model.js";

/** Config and lazy weights of an opened GGUF file; closes it on failure. */
async function weightsOf(gguf: GgufFile, location: string): Promise<LoadedWeights> {
  try {
    const config = await ggufModelConfig(gguf);
    const arch = gguf.metadata.string("general.architecture", true);
    const weights = ggufWeights(gguf.tensors, config, arch, location);
    return { config, weights, dir: location, close: () => gguf.close() };
  } catch (err) {
    await gguf.close();
    throw err;
  }
}

/** Config and lazy weights of a GGUF file (only its header is read). */
export async function loadGgufWeights(source: ByteSource): Promise<LoadedWeights> {
  return weightsOf(await openGguf(source), source.name);
}

/**
 * A GGUF file (llama.cpp / Ollama) as a {@link LoadedModel}: config from the `<arch>.*` keys,
 * weights by llama.cpp's tensor names, the tokenizer and chat template from `tokenizer.*`.
 * Generation defaults are the file's BOS / EOS (GGUF has no sampling defaults).
 */
export async function loadGgufModel(source: ByteSource): Promise<LoadedModel> {
  const gguf = await openGguf(source);
  const loaded = await weightsOf(gguf, source.name);
  try {
    const { tokenizer: json, config: tokConfig } = ggufTokenizerJson(gguf.metadata);
    const tokenizer = new Tokenizer(json, tokConfig, `${source.name} (tokenizer.*)`);
    if (tokenizer.vocabSize > loaded.config.vocabSize) {
      throw new TokenizerError(
        "tokenizer.vocab_mismatch",
        `${source.name}: the tokenizer has ids up to ${tokenizer.vocabSize - 1}, but token_embd.weight has ${loaded.config.vocabSize} rows`,
        { details: { file: source.name, tokenizerVocab: tokenizer.vocabSize } },
      );
    }
    const template = chatTemplate(gguf.metadata);
    const chat =
      template === null
        ? null
        : new ChatTemplate(
            template,
            { bos_token: tokenizer.bosToken, eos_token: tokenizer.eosToken },
            `${source.name} (tokenizer.chat_template)`,
          );
    const generationConfig = parseGenerationConfig(null, loaded.config, source.name);
    return { ...loaded, tokenizer, chatTemplate: chat, generationConfig };
  } catch (err) {
    await loaded.close();
    throw err;
  }
}

// `tokenizer.chat_template`, and named ones as `tokenizer.chat_template.<name>` (tool_use…).
function chatTemplate(m: GgufMetadata): string | { name: string; template: string }[] | null {
  const main = m.string("tokenizer.chat_template");
  const prefix = "tokenizer.chat_template.";
  const named = [...m.entries.keys()]
    .filter((k) => k.startsWith(prefix))
    .map((k) => ({ name: k.slice(prefix.length), template: m.string(k, true) }));
  if (named.length === 0) return main;
  return [...(main === null ? [] : [{ name: "default", template: main }]), ...named];
}
