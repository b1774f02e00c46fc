import type OpenAI from "openai";
import type { LiveServer } from "./live-server.js";
import { qwen3Server } from "./qwen3-server.js";
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
  let scripted: ScriptedEngine | undefined;
  const server = await qwen3Server(servedModelName, {
    ...(chatTemplate !== undefined && { chatTemplate }),
    wrapEngine: (engine) => {
      scripted = new ScriptedEngine(engine);
      return scripted;
    },
  });
  if (scripted === undefined) {
    await server.close();
    throw new Error("the live server did not wrap its engine");
  }
  return { ...server, scripted };
}
