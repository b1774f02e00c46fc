import { isPagodaError, PagodaError } from "@pagoda/errors";
import type { Handler } from "hono";
import type { RouteDeps, ServerEnv } from "../app/env.js";
import { HttpError } from "../errors/http-error.js";
import { samplesPerPrompt } from "../generation/choice-outputs.js";
import {
  type ChatRequest,
  chatRequestSchema,
  chatSampling,
  checkChatRequest,
  templateMessages,
} from "../openai/chat-request.js";
import { requestTenant, usageOptions } from "../openai/common-fields.js";
import { unixSeconds } from "../openai/usage.js";
import type { ActiveModel } from "../state/server-state.js";
import { chatTools } from "../tools/chat-tools.js";
import { templateToolCalls } from "../tools/tool-request.js";
import { collectChat, streamChat } from "./chat-output.js";
import { checkModel, readBody, unknownFieldPolicy } from "./read-body.js";
import { respondWithStream } from "./respond-stream.js";
import { startGeneration } from "./start-generation.js";

/** `POST /v1/chat/completions`: messages rendered with the chat template, streamed or not. */
export function chatCompletionsRoute(deps: RouteDeps): Handler<ServerEnv> {
  return async (c) => {
    const model = deps.state.model();
    const body = await readBody(c, chatRequestSchema, unknownFieldPolicy(c, deps));
    checkModel(body.model, deps.servedModelName);
    checkChatRequest(body);
    const prompt = renderChat(model, body, deps.servedModelName);
    const tenant = requestTenant(c.req.header("x-tenant"), body.user);
    const params = chatSampling(body, model.maxModelLen - prompt.length, tenant);
    // Before submitting: a forced tool choice adds its constraint to `params`.
    const tools = chatTools(body, model.template, deps.toolCallParser, params);
    const requestId = c.get("requestId");
    const head = { id: `chatcmpl-${requestId}`, created: unixSeconds(), model: deps.servedModelName };
    const gen = await startGeneration(c, deps, {
      engine: model.engine,
      requestId: `chatcmpl-${c.get("uniqueId")}`,
      prompts: [prompt],
      params,
    }).catch((err: unknown) => {
      throw inChatTerms(err, body);
    });
    const spelling = { tokenizer: model.tokenizer, asTokenIds: body.return_tokens_as_token_ids === true };
    const promptLogprobs = typeof body.prompt_logprobs === "number" ? body.prompt_logprobs : null;
    const layout = { head, n: samplesPerPrompt(params), spelling, promptLogprobs, ...(tools && { tools }) };
    if (body.stream !== true) return c.json(await collectChat(gen, layout));
    const options = { ...usageOptions(body), requestId, logger: deps.logger };
    return respondWithStream(c, gen, streamChat(gen, layout, options));
  };
}

/** The prompt's token ids: the template's text, whose special tokens are already in it. */
export function renderChat(
  model: ActiveModel,
  body: Pick<
    ChatRequest,
    "messages" | "add_generation_prompt" | "chat_template_kwargs" | "continue_final_message" | "tools"
  >,
  servedModelName: string,
): number[] {
  if (model.template === null) {
    throw new HttpError(
      "request.no_chat_template",
      `the model "${servedModelName}" has no chat template, so it cannot chat: use /v1/completions, ` +
        "or start the server with --chat-template FILE",
      { details: { param: "messages" } },
    );
  }
  const continueFinal = body.continue_final_message === true;
  const messages = templateToolCalls(templateMessages(body));
  let text: string;
  try {
    text = model.template.render(messages, {
      addGenerationPrompt: body.add_generation_prompt ?? !continueFinal,
      // Tools are rendered even with tool_choice "none", as vLLM does: the model still knows them.
      ...(body.tools != null && body.tools.length > 0 && { tools: body.tools }),
      ...(body.chat_template_kwargs != null && { variables: body.chat_template_kwargs }),
    });
  } catch (cause) {
    // Templates reject what they cannot render (e.g. roles that do not alternate): the messages' fault.
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new HttpError("request.invalid", `the chat template cannot render these messages: ${why}`, {
      cause,
      details: { param: "messages" },
    });
  }
  if (continueFinal) {
    const last = messages.at(-1)?.content;
    text = openFinalMessage(text, typeof last === "string" ? last : "");
  }
  return model.tokenizer.encode(text, { addSpecialTokens: false });
}

/**
 * The rendered chat cut right after the last message's content, so its end-of-turn markers go and
 * the model continues it (transformers' `continue_final_message`, which vLLM uses). Templates that
 * trim messages render the content trimmed, so that is looked for too.
 */
export function openFinalMessage(text: string, content: string): string {
  for (const c of [content, content.trim()]) {
    const at = c === "" ? -1 : text.lastIndexOf(c);
    if (at >= 0) return text.slice(0, at + c.length);
  }
  throw new HttpError(
    "request.invalid",
    "continue_final_message needs a last message with text the chat template renders",
    { details: { param: "messages" } },
  );
}

// The engine names its own fields; a chat client sent max_completion_tokens / top_logprobs.
function inChatTerms(err: unknown, body: ChatRequest): unknown {
  if (!isPagodaError(err)) return err;
  const param = err.details?.param;
  const rename =
    param === "max_tokens" && body.max_completion_tokens != null
      ? "max_completion_tokens"
      : param === "logprobs"
        ? "top_logprobs"
        : null;
  if (rename === null) return err;
  const message = err.message.replaceAll(String(param), rename);
  return new PagodaError(err.code, message, {
    cause: err,
    details: { ...err.details, param: rename },
  });
}
