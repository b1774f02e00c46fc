import { SAMPLING_LIMITS } from "@pagoda/engine";
import type { ChatMessage } from "@pagoda/model-loaders";
import { z } from "zod";
import { HttpError } from "../errors/http-error.js";
import { checkToolFields, toolChoiceSchema, toolSchema } from "../tools/tool-request.js";
import { checkCommon, endpointFields, pickSampling, samplingFields } from "./common-fields.js";

const textPart = z.strictObject({ type: z.literal("text"), text: z.string() });

/** One chat message: the role and text content are checked, other fields reach the template. */
export const chatMessageSchema = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool"]),
  content: z
    .union([z.string(), z.array(textPart)], {
      error: "content must be a string or an array of text parts (images, audio and files are not supported)",
    })
    .nullish(),
});

/** The body of `POST /v1/chat/completions`: OpenAI's fields plus vLLM's sampling extras. */
export const chatRequestSchema = z.object({
  ...samplingFields,
  ...endpointFields,
  messages: z.array(chatMessageSchema).min(1),
  // Chat spells these differently from completions; they are mapped onto the engine's fields.
  logprobs: z.boolean().nullish(),
  top_logprobs: z.int().min(0).max(SAMPLING_LIMITS.maxLogprobs).nullish(),
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  /** vLLM's: extra template variables, e.g. `{ enable_thinking: false }` for Qwen3. */
  chat_template_kwargs: z.record(z.string(), z.unknown()).nullish(),
  add_generation_prompt: z.boolean().nullish(),
  /** vLLM's: the last (assistant) message is left open, so the model continues it. */
  continue_final_message: z.boolean().nullish(),
});

/** A parsed `POST /v1/chat/completions` body. */
export type ChatRequest = z.output<typeof chatRequestSchema>;

/** Rejects what the server cannot do (forced tool choices) and contradictory fields. */
export function checkChatRequest(r: ChatRequest): void {
  checkToolFields(r);
  if (r.top_logprobs != null && r.logprobs !== true) {
    throw new HttpError("request.invalid", "top_logprobs requires logprobs: true", {
      details: { param: "top_logprobs" },
    });
  }
  if (r.continue_final_message === true && r.add_generation_prompt === true) {
    throw new HttpError(
      "request.invalid",
      "continue_final_message and add_generation_prompt cannot both be true: the answer either continues the last message or starts a new one",
      { details: { param: "continue_final_message" } },
    );
  }
  checkCommon(r);
}

/** The messages as the chat template takes them: text parts joined, `developer` read as `system`. */
export function templateMessages(r: Pick<ChatRequest, "messages">): ChatMessage[] {
  return r.messages.map((m) => ({
    ...m,
    role: m.role === "developer" ? "system" : m.role,
    content: Array.isArray(m.content) ? m.content.map((p) => p.text).join("\n") : (m.content ?? ""),
  }));
}

/**
 * The engine's sampling fields of a chat request: `max_completion_tokens` is `max_tokens` (and
 * wins over it, as in vLLM), `logprobs: true` + `top_logprobs: k` is the engine's `logprobs: k`.
 * Without either, the output may fill the rest of the context (`room`), as OpenAI and vLLM do for chat.
 */
export function chatSampling(r: ChatRequest, room: number, tenant?: string): Record<string, unknown> {
  const sampling = pickSampling(r, tenant);
  if (sampling.max_tokens == null && room >= 1) sampling.max_tokens = room;
  if (r.logprobs === true) sampling.logprobs = r.top_logprobs ?? 0;
  else delete sampling.logprobs;
  return sampling;
}
