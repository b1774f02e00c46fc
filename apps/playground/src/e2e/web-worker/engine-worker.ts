// The worker side: the whole engine (tokenizer, scheduler, KV cache, CPU or WebGPU executor)
// runs here, reading the model over HTTP from the page's origin, weights by byte range.
import { type CreateEngineOptions, createEngine } from "@pagoda/engine";
import { type MessageTargetLike, serveEngine, webPort } from "@pagoda/engine/worker";
import { urlFiles } from "@pagoda/model-loaders";

serveEngine(webPort(self as unknown as MessageTargetLike), (options: CreateEngineOptions) =>
  createEngine({ ...options, model: urlFiles(String(options.model)) }),
);
