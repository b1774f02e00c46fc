import type { LLMEngine } from "../core/llm-engine.js";
import type { PromptInput } from "../core/types.js";
import { EngineError } from "../errors.js";
import { type CompletionResult, OutputAccumulator } from "./accumulator.js";

/** Options of {@link generate}. */
export interface GenerateOptions {
  /** Called each time a prompt finishes, with the number done and the total. */
  onProgress?: (done: number, total: number) => void;
}

let batchCounter = 0;

/**
 * Runs a batch of prompts to completion and returns one result per prompt, in order (vLLM's
 * `LLM.generate`). `params` is one set of sampling parameters for all, or an array with one per
 * prompt; with `n > 1` a result holds every sample in `samples` (sample 0 at the top level).
 * Bad parameters throw before anything runs; the batch's requests are then aborted.
 *
 * @example
 * const [r] = await generate(engine, ["Once upon a time"], { max_tokens: 20, temperature: 0 });
 * r.text; // " there was a little girl named Lily…"
 */
export async function generate(
  engine: LLMEngine,
  prompts: readonly PromptInput[],
  params?: unknown,
  options: GenerateOptions = {},
): Promise<CompletionResult[]> {
  const batch = `gen-${batchCounter++}`;
  const ids = prompts.map((_, i) => `${batch}-${i}`);
  const acc = new OutputAccumulator();
  try {
    ids.forEach((id, i) => {
      engine.addRequest(id, prompts[i] as PromptInput, Array.isArray(params) ? params[i] : params);
    });
    while (acc.done.size < ids.length) {
      if (!engine.hasUnfinished())
        throw new EngineError("engine.lost_request", "a request left without output");
      for (const o of await engine.step()) {
        if (acc.add(o) !== null) options.onProgress?.(acc.done.size, ids.length);
      }
    }
  } catch (err) {
    for (const id of ids) engine.abort(id);
    throw err;
  }
  return ids.map((id) => acc.done.get(id) as CompletionResult);
}
