import { PlaygroundError } from "../errors.js";
import { SseParser } from "../sse.js";

/** The sampling controls of the page, in the OpenAI request's units. */
export interface SamplingSettings {
  maxTokens: number;
  temperature: number;
  topP: number;
  /** null: let the server pick. */
  seed: number | null;
  /** Keep generating past the end-of-sequence token, up to `maxTokens` (to watch blocks fill). */
  ignoreEos?: boolean;
}

/** One turn of a chat conversation. */
export interface ChatMessage {
  role: "user" | "assistant";
  content: string;
}

/** What the page sends: a plain prompt to /v1/completions, or a user turn to /v1/chat/completions. */
export interface CompletionRequest {
  mode: "completion" | "chat";
  /** The completion prompt, or the new user message in chat mode. */
  prompt: string;
  /** Earlier turns of the conversation (chat mode only). */
  history?: ChatMessage[];
  sampling: SamplingSettings;
  /** Samples per request (OpenAI `n`). */
  n?: number;
}

/** One streamed piece of text. */
export interface StreamDelta {
  /** The response id, which is also the engine request id. */
  id: string;
  /** The choice (sample) index. */
  index: number;
  text: string;
  finishReason: string | null;
}

/** The endpoint path and JSON body of a streamed request. */
export function requestBody(req: CompletionRequest): { path: string; body: Record<string, unknown> } {
  const s = req.sampling;
  const common: Record<string, unknown> = {
    max_tokens: s.maxTokens,
    temperature: s.temperature,
    top_p: s.topP,
    stream: true,
  };
  if (s.seed !== null) common.seed = s.seed;
  if (s.ignoreEos) common.ignore_eos = true;
  if (req.n !== undefined && req.n !== 1) common.n = req.n;
  if (req.mode === "chat") {
    return {
      path: "/v1/chat/completions",
      body: { messages: [...(req.history ?? []), { role: "user", content: req.prompt }], ...common },
    };
  }
  return { path: "/v1/completions", body: { prompt: req.prompt, ...common } };
}

/**
 * Reads one `data:` payload of a completion stream: a text chunk (`choices[].text`) or a chat
 * chunk (`choices[].delta.content`). A chunk may carry several choices; `[DONE]` gives `null`.
 */
export function parseChunk(data: string): StreamDelta[] | null {
  if (data === "[DONE]") return null;
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch (cause) {
    throw new PlaygroundError("api.bad_chunk", `stream chunk is not JSON: ${data.slice(0, 80)}`, { cause });
  }
  const c = chunk as { id?: unknown; choices?: unknown; error?: { message?: unknown } };
  if (c.error)
    throw new PlaygroundError("api.stream_error", `server error mid-stream: ${String(c.error.message)}`);
  if (typeof c.id !== "string" || !Array.isArray(c.choices)) {
    throw new PlaygroundError("api.bad_chunk", `stream chunk has no id or choices: ${data.slice(0, 80)}`);
  }
  const id = c.id;
  return c.choices.map((choice: { index?: number; text?: string; delta?: { content?: string | null } }) => ({
    id,
    index: choice.index ?? 0,
    text: choice.text ?? choice.delta?.content ?? "",
    finishReason: (choice as { finish_reason?: string | null }).finish_reason ?? null,
  }));
}

/** The message of an OpenAI-shaped error body, or the status line when the body is not one. */
export async function errorMessage(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: { message?: string } };
    if (body.error?.message) return `${res.status}: ${body.error.message}`;
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return `${res.status} ${res.statusText}${text ? `: ${text.slice(0, 200)}` : ""}`;
}

/**
 * Sends a streamed completion and yields its deltas as they arrive. Rejects with
 * `api.http_error` when the server refuses the request. Abort through `signal`.
 */
export async function* streamCompletion(
  req: CompletionRequest,
  options: { fetch?: typeof fetch; baseUrl?: string; signal?: AbortSignal } = {},
): AsyncGenerator<StreamDelta> {
  const { path, body } = requestBody(req);
  const res = await (options.fetch ?? fetch)(`${options.baseUrl ?? ""}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify(body),
    signal: options.signal ?? null,
  });
  if (!res.ok || !res.body) {
    throw new PlaygroundError("api.http_error", await errorMessage(res), { details: { status: res.status } });
  }
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      for (const event of parser.push(decoder.decode(value, { stream: true }))) {
        const deltas = parseChunk(event.data);
        if (deltas === null) return;
        yield* deltas;
      }
    }
  } finally {
    // Leaving early (an abort, a consumer's break) must close the connection so the server aborts too.
    reader.cancel().catch(() => {});
  }
}
