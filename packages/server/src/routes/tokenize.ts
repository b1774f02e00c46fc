import type { Hono } from "hono";
import { z } from "zod";
import type { RouteDeps, ServerEnv } from "../app/env.js";
import { HttpError } from "../errors/http-error.js";
import { chatMessageSchema } from "../openai/chat-request.js";
import { renderChat } from "./chat-completions.js";
import { checkModel, readBody } from "./read-body.js";
import { checkTokenIds } from "./start-generation.js";

const tokenizeSchema = z.strictObject({
  model: z.string().nullish(),
  prompt: z.string().nullish(),
  messages: z.array(chatMessageSchema).min(1).nullish(),
  /** For a prompt: add BOS etc. (default true); messages carry the template's own. */
  add_special_tokens: z.boolean().nullish(),
  add_generation_prompt: z.boolean().nullish(),
  chat_template_kwargs: z.record(z.string(), z.unknown()).nullish(),
  return_token_strs: z.boolean().nullish(),
});

const detokenizeSchema = z.strictObject({
  model: z.string().nullish(),
  tokens: z.array(z.int().min(0)),
});

/**
 * vLLM's `POST /tokenize` (a prompt, or chat messages through the template, to token ids) and
 * `POST /detokenize` (token ids to text).
 */
export function registerTokenizeRoutes(app: Hono<ServerEnv>, deps: RouteDeps): void {
  app.post("/tokenize", async (c) => {
    const model = deps.state.model();
    const body = await readBody(c, tokenizeSchema);
    checkModel(body.model, deps.servedModelName);
    if ((body.prompt == null) === (body.messages == null)) {
      throw new HttpError("request.invalid", "give exactly one of prompt and messages", {
        details: { param: "prompt" },
      });
    }
    const tokens =
      body.messages != null
        ? renderChat(model, { ...body, messages: body.messages }, deps.servedModelName)
        : model.tokenizer.encode(body.prompt ?? "", { addSpecialTokens: body.add_special_tokens ?? true });
    return c.json({
      count: tokens.length,
      max_model_len: model.maxModelLen,
      tokens,
      ...(body.return_token_strs === true && {
        token_strs: tokens.map((id) => model.tokenizer.idToToken(id) ?? ""),
      }),
    });
  });
  app.post("/detokenize", async (c) => {
    const model = deps.state.model();
    const body = await readBody(c, detokenizeSchema);
    checkModel(body.model, deps.servedModelName);
    checkTokenIds(model.tokenizer, body.tokens, "tokens");
    return c.json({ prompt: model.tokenizer.decode(body.tokens) });
  });
}
