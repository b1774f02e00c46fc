import type { EngineClient } from "@pagoda/engine";
import type { Context } from "hono";
import type { RouteDeps, ServerEnv } from "../app/env.js";
import { HttpError } from "../errors/http-error.js";
import { Generation } from "../generation/generation.js";
import type { ServerTokenizer } from "../state/served-model.js";

/** What a route hands to {@link startGeneration}. */
export interface GenerationStart {
  engine: EngineClient;
  requestId: string;
  prompts: ReadonlyArray<readonly number[]>;
  params: Record<string, unknown>;
}

/**
 * Admits a generation: 429 when the waiting queue is full (counting requests admitted but not yet
 * in the engine's stats), then submits it (the engine's typed 400s surface here), tracks it for
 * shutdown, logs it, and aborts it if the client goes away.
 */
export async function startGeneration(
  c: Context<ServerEnv>,
  deps: RouteDeps,
  start: GenerationStart,
): Promise<Generation> {
  const release = deps.admission.admit(start.engine, start.prompts.length);
  const gen = await Generation.start(start).finally(release);
  deps.state.track(gen);
  c.get("access").attach(gen);
  const signal = c.get("disconnect");
  const onDisconnect = () => gen.abort("disconnect");
  if (signal.aborted) onDisconnect();
  else {
    signal.addEventListener("abort", onDisconnect, { once: true });
    void gen.done.then(() => signal.removeEventListener("abort", onDisconnect));
  }
  return gen;
}

/** A prompt's token ids: text is encoded with the tokenizer's special tokens (BOS); ids are checked. */
export function encodePrompt(tokenizer: ServerTokenizer, prompt: string | readonly number[]): number[] {
  if (typeof prompt !== "string") return checkTokenIds(tokenizer, prompt, "prompt");
  const ids = tokenizer.encode(prompt);
  if (ids.length === 0) {
    throw new HttpError("request.invalid", "the prompt encodes to no tokens", {
      details: { param: "prompt" },
    });
  }
  return ids;
}

/** `ids` when every one is in the vocabulary, else 400 naming `param`. */
export function checkTokenIds(tokenizer: ServerTokenizer, ids: readonly number[], param: string): number[] {
  const bad = ids.find((id) => id >= tokenizer.vocabSize);
  if (bad !== undefined) {
    throw new HttpError(
      "request.invalid",
      `token id ${bad} in ${param} is out of range: the vocabulary has ${tokenizer.vocabSize} tokens`,
      { details: { param } },
    );
  }
  return [...ids];
}
