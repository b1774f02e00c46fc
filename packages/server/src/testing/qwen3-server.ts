import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { EngineClient } from "@pagoda/engine";
import OpenAI from "openai";
import { type LiveServer, liveServer } from "./live-server.js";
import { QWEN3_TINY_CONTEXT, tinyQwen3 } from "./qwen3.js";

/** A live server over the tiny random Qwen3 (real tokenizer and template), with a client for it. */
export interface Qwen3Server {
  live: LiveServer;
  client: OpenAI;
  /** Stops the server and removes the model folder. */
  close(): Promise<void>;
}

/** What {@link qwen3Server} may change about the server. */
export interface Qwen3ServerOptions {
  /** Replaces the model's own template (its chat_template.jinja); the tokenizer stays Qwen3's. */
  chatTemplate?: string;
  wrapEngine?: (engine: EngineClient) => EngineClient;
}

/** Writes the tiny Qwen3 and serves it as `servedModelName`; the folder is removed on failure too. */
export async function qwen3Server(servedModelName: string, o: Qwen3ServerOptions = {}): Promise<Qwen3Server> {
  const model = await tinyQwen3();
  let live: LiveServer;
  try {
    if (o.chatTemplate !== undefined) await writeFile(join(model.dir, "chat_template.jinja"), o.chatTemplate);
    live = await liveServer({
      modelDir: model.dir,
      maxModelLen: QWEN3_TINY_CONTEXT,
      app: { servedModelName },
      ...(o.wrapEngine !== undefined && { wrapEngine: o.wrapEngine }),
    });
  } catch (err) {
    await model.remove();
    throw err;
  }
  return {
    live,
    client: new OpenAI({ baseURL: live.baseURL, apiKey: "unused", maxRetries: 0 }),
    close: async () => {
      await live.running.close();
      await model.remove();
    },
  };
}
