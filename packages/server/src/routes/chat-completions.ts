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
import { unixSeconds } from "../openai/usage.js";
import type { ActiveModel } from "../state/server-state.js";
import { collectChat, streamChat } from "./chat-output.js";
import { checkModel, readBody } from "./read-body.js";
import { respondWithStream } from "./respond-stream.js";
import { startGeneration } from "./start-generation.js";

/** `POST /v1/chat/completions`: messages rendered with the chat template, streamed or not. */
export function chatCompletionsRoute(deps: RouteDeps): Handler<ServerEnv> {
  return async (c) => {
    const model = deps.state.model();
    const body = await readBody(c, chatRequestSchema);
    checkModel(body.model, deps.servedModelName);
    checkChatRequest(body);
    const prompt = renderChat(model, body, deps.servedModelName);
    const params = chatSampling(body, model.maxModelLen - prompt.length);
    const requestId = c.get("requestId");
    const head = { id: `chatcmpl-${requestId}`, created: unixSeconds(), model: deps.servedModelName };
    const gen = await startGeneration(c, deps, {
      engine: model.engine,
      requestId: head.id,
      prompts: [prompt],
      params,
    }).catch((err: unknown) => {
      throw inChatTerms(err, body);
    });
    const layout = { head, n: samplesPerPrompt(params), tokenizer: model.tokenizer };
    if (body.stream !== true) return c.json(await collectChat(gen, layout));
    const includeUsage = body.stream_options?.include_usage === true;
    return respondWithStream(
      c,
      gen,
      streamChat(gen, layout, { includeUsage, requestId, logger: deps.logger }),
    );
  };
}

/** The prompt's token ids: the template's text, whose special tokens are already in it. */
export function renderChat(
  model: ActiveModel,
  body: Pick<ChatRequest, "messages" | "add_generation_prompt" | "chat_template_kwargs">,
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
  let text: string;
  try {
    text = model.template.render(templateMessages(body), {
      addGenerationPrompt: body.add_generation_prompt ?? true,
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
  return model.tokenizer.encode(text, { addSpecialTokens: false });
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
