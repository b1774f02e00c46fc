import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import OpenAI from "openai";
import { type LiveServer, liveServer } from "./live-server.js";
import { QWEN3_TINY_CONTEXT, tinyQwen3 } from "./qwen3.js";
import { ScriptedEngine } from "./scripted-engine.js";

/** A live server over the tiny Qwen3 whose engine answers scripted text, with a client for it. */
export interface ScriptedServer {
  live: LiveServer;
  client: OpenAI;
  /** Set its `script` to choose what the next requests answer. */
  scripted: ScriptedEngine;
  /** Stops the server and removes the model folder. */
  close(): Promise<void>;
}

/**
 * Starts a {@link ScriptedServer} serving `servedModelName`. A `chatTemplate` replaces the
 * model's own (as its chat_template.jinja), for what the server reads from a template (the
 * tool-call parser it detects, how history calls render). The tokenizer stays the real Qwen3's.
 */
export async function scriptedServer(
  servedModelName: string,
  chatTemplate?: string,
): Promise<ScriptedServer> {
  const model = await tinyQwen3();
  let scripted: ScriptedEngine | undefined;
  let live: LiveServer;
  try {
    if (chatTemplate !== undefined) await writeFile(join(model.dir, "chat_template.jinja"), chatTemplate);
    live = await liveServer({
      modelDir: model.dir,
      maxModelLen: QWEN3_TINY_CONTEXT,
      app: { servedModelName },
      wrapEngine: (engine) => {
        scripted = new ScriptedEngine(engine);
        return scripted;
      },
    });
  } catch (err) {
    await model.remove();
    throw err;
  }
  if (scripted === undefined) throw new Error("the live server did not wrap its engine");
  return {
    live,
    client: new OpenAI({ baseURL: live.baseURL, apiKey: "unused", maxRetries: 0 }),
    scripted,
    close: async () => {
      await live.running.close();
      await model.remove();
    },
  };
}
