// Test helper: an EngineClient whose every request answers with scripted text pieces, so the
// server's handling of a known output (e.g. a tool call) can be tested without a trained model.
import type { EngineClient, EngineRequestInput, RequestOutput } from "@pagoda/engine";

/**
 * Answers each request with `script` (one output per piece, one token each), then finishes with
 * "stop". `close` closes the engine it replaced, so a wrapped real engine is released.
 */
export class ScriptedEngine implements EngineClient {
  /** The prompts received, in order. */
  readonly prompts: unknown[] = [];
  /** The sampling params received, in order. */
  readonly params: unknown[] = [];
  /** The text pieces the next requests get; tests set it. */
  script: string[] = ["ok"];

  constructor(private readonly replaced?: EngineClient) {}

  async submit(request: EngineRequestInput): Promise<AsyncIterable<RequestOutput>> {
    this.prompts.push(request.prompt);
    this.params.push(request.params);
    const promptTokens = Array.isArray(request.prompt) ? request.prompt.length : 1;
    const requestId = request.requestId ?? "req-0";
    const pieces = [...this.script];
    return (async function* () {
      for (const [i, text] of pieces.entries()) {
        const last = i === pieces.length - 1;
        yield {
          requestId,
          index: 0,
          text,
          tokenIds: [i],
          logprobs: null,
          finishReason: last ? "stop" : null,
          stopReason: null,
          finished: last,
          usage: { promptTokens, completionTokens: i + 1, totalTokens: promptTokens + i + 1 },
        } satisfies RequestOutput;
      }
    })();
  }

  async abort(): Promise<boolean> {
    return false;
  }

  // The rest is engine state a scripted answer does not have; tests that need it use a real engine.
  stats(): never {
    throw new Error("ScriptedEngine has no scheduler stats");
  }
  inspect(): never {
    throw new Error("ScriptedEngine has no scheduler to inspect");
  }
  async resetPrefixCache(): Promise<boolean> {
    return true;
  }
  async close(): Promise<void> {
    await this.replaced?.close();
  }
}
