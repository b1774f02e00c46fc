// The worker side: the whole engine (tokenizer, scheduler, KV cache, CPU executor) runs here,
// with the model's files fetched from the page's origin.
import { type CreateEngineOptions, createEngine } from "@pagoda/engine";
import { type MessageTargetLike, serveEngine, webPort } from "@pagoda/engine/worker";
import { memoryFiles } from "@pagoda/model-loaders";

// Every file the loaders may look for; a 404 counts as absent.
const FILES = [
  "config.json",
  "generation_config.json",
  "tokenizer.json",
  "tokenizer_config.json",
  "tokenizer.model",
  "chat_template.jinja",
  "model.safetensors",
  "model.safetensors.index.json",
  "pytorch_model.bin",
];

async function build(options: CreateEngineOptions) {
  const base = String(options.model);
  const responses = await Promise.all(FILES.map((name) => fetch(`${base}/${name}`)));
  const files = memoryFiles(
    base,
    Object.fromEntries(FILES.map((name, i) => [name, responses[i] as Response])),
  );
  return createEngine({ ...options, model: files });
}

serveEngine(webPort(self as unknown as MessageTargetLike), build);
