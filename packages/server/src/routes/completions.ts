import type { Handler } from "hono";
import type { RouteDeps, ServerEnv } from "../app/env.js";
import { samplesPerPrompt } from "../generation/choice-outputs.js";
import { pickSampling, requestTenant, usageOptions } from "../openai/common-fields.js";
import {
  type CompletionRequest,
  checkCompletionRequest,
  completionRequestSchema,
  promptList,
} from "../openai/completion-request.js";
import { unixSeconds } from "../openai/usage.js";
import { collectCompletion, type PromptScores, streamCompletion } from "./completion-output.js";
import { checkModel, readBody, unknownFieldPolicy } from "./read-body.js";
import { respondWithStream } from "./respond-stream.js";
import { encodePrompt, startGeneration } from "./start-generation.js";

/** `POST /v1/completions`: text or token-id prompts (or a batch), streamed or not. */
export function completionsRoute(deps: RouteDeps): Handler<ServerEnv> {
  return async (c) => {
    const model = deps.state.model();
    const body = await readBody(c, completionRequestSchema, unknownFieldPolicy(c, deps));
    checkModel(body.model, deps.servedModelName);
    checkCompletionRequest(body);
    const texts = promptList(body.prompt);
    const prompts = texts.map((p) => encodePrompt(model.tokenizer, p));
    const params = pickSampling(body, requestTenant(c.req.header("x-tenant"), body.user));
    const prompt = promptScores(body, params, prompts);
    const requestId = c.get("requestId");
    const head = { id: `cmpl-${requestId}`, created: unixSeconds(), model: deps.servedModelName };
    const engineId = `cmpl-${c.get("uniqueId")}`;
    const gen = await startGeneration(c, deps, {
      engine: model.engine,
      requestId: engineId,
      prompts,
      params,
    });
    const layout = {
      head,
      n: samplesPerPrompt(params),
      numPrompts: prompts.length,
      spelling: { tokenizer: model.tokenizer, asTokenIds: body.return_tokens_as_token_ids === true },
      echo: body.echo
        ? texts.map((t, i) =>
            typeof t === "string" ? t : model.tokenizer.decode(prompts[i] ?? [], { skipSpecialTokens: true }),
          )
        : null,
      prompt,
    };
    if (body.stream !== true) return c.json(await collectCompletion(gen, layout));
    const events = streamCompletion(gen, layout, { ...usageOptions(body), requestId, logger: deps.logger });
    return respondWithStream(c, gen, events);
  };
}

/**
 * The prompt log-probabilities a completion asks for: vLLM's `prompt_logprobs`, and OpenAI's
 * `echo` with `logprobs`, which the engine computes as prompt log-probabilities with the
 * `logprobs` k (the larger k when both are asked for). Sets the engine's `prompt_logprobs`.
 */
function promptScores(
  body: CompletionRequest,
  params: Record<string, unknown>,
  promptIds: number[][],
): PromptScores | null {
  const vllm = typeof body.prompt_logprobs === "number" ? body.prompt_logprobs : null;
  const echo = body.echo === true && typeof body.logprobs === "number" ? body.logprobs : null;
  if (vllm === null && echo === null) return null;
  // An out-of-range value goes to the engine unchanged, which refuses it by name.
  if (echo !== null && (vllm === null || (vllm >= 0 && echo >= 0))) {
    params.prompt_logprobs = Math.max(vllm ?? 0, echo);
  }
  return { vllm, echo, promptIds };
}
