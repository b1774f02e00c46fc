import { fileURLToPath } from "node:url";
import { AsyncEngine, createEngine } from "@pagoda/engine";
import { createServerApp, startServer } from "@pagoda/server";
import { pino } from "pino";

/** The stories260K test model in shared/ beside the repository checkout. */
export const TEST_MODEL = fileURLToPath(new URL("../../../../../shared/models/stories260K", import.meta.url));

/** A real Pagoda server on an ephemeral port, serving the built page at /playground/. */
export interface PlaygroundServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the OpenAI-compatible server in this process with stories260K on the CPU and a small
 * KV cache (192 blocks of 16 tokens), so the block map fits a screenshot.
 */
export async function startPlaygroundServer(
  playgroundDir: string,
  options: { chatTemplate?: string } = {},
): Promise<PlaygroundServer> {
  const server = createServerApp({
    servedModelName: "stories260K",
    playgroundDir,
    // The text of a `--chat-template FILE`: lets the base model chat, for the chat tab's test.
    chatTemplate: options.chatTemplate ?? null,
    // Access lines for every request would bury the test's own output; warnings still show.
    logger: pino({ level: "warn" }),
  });
  const llm = await createEngine({
    model: TEST_MODEL,
    // The exact reference executor, about 700 tok/s on stories260K: the page's tests watch
    // requests hold blocks and stop them mid-stream, which the WebAssembly executor (5,000 tok/s)
    // finishes before a click lands.
    device: "reference",
    blockSize: 16,
    numBlocks: 192,
    metrics: server.metrics,
  });
  const { tokenizer, chatTemplate } = llm.parts.model;
  server.state.ready({
    engine: new AsyncEngine(llm.engine, () => llm.close()),
    tokenizer,
    chatTemplate,
    maxModelLen: llm.parts.maxModelLen,
  });
  const running = await startServer({ server, host: "127.0.0.1", port: 0 });
  return { url: running.url, close: () => running.close() };
}
