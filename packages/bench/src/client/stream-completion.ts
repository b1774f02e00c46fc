import { sseData } from "./sse.js";

/** One streamed completion request. */
export interface CompletionCall {
  /** Server root, e.g. `http://127.0.0.1:8000` (with or without a trailing `/v1`). */
  url: string;
  model: string;
  /** Text, or token ids (OpenAI's completions API takes both). */
  prompt: string | number[];
  maxTokens: number;
  /** vLLM's extension: generate exactly `maxTokens` (default true, so runs are comparable). */
  ignoreEos?: boolean;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** What the client saw of one request, times in seconds on the caller's clock. */
export interface CompletionOutcome {
  ok: boolean;
  /** Why it failed: the HTTP status and the server's message, or the network error. */
  error: string | null;
  startTime: number;
  endTime: number;
  /** Arrival time and token count of every chunk that carried text. */
  chunks: Array<{ time: number; numTokens: number }>;
  /** `usage.completion_tokens` when the server sent it, else the number of text chunks. */
  numOutputTokens: number;
  /** `usage.prompt_tokens` when the server sent it. */
  numPromptTokens: number | null;
  finishReason: string | null;
}

interface Chunk {
  choices?: Array<{ text?: string; finish_reason?: string | null }>;
  usage?: { completion_tokens?: number; prompt_tokens?: number } | null;
}

/** The `/v1/completions` address of a server root or `/v1` base. */
export function completionsUrl(url: string): string {
  const base = url.replace(/\/+$/, "");
  return base.endsWith("/v1") ? `${base}/completions` : `${base}/v1/completions`;
}

/**
 * Sends one streaming `/v1/completions` request with `fetch` and times every chunk as it
 * arrives. Never throws for a failed request: the outcome says why (so one bad request does
 * not end a benchmark).
 */
export async function streamCompletion(call: CompletionCall, now: () => number): Promise<CompletionOutcome> {
  const startTime = now();
  const chunks: CompletionOutcome["chunks"] = [];
  let usageTokens: number | null = null;
  let promptTokens: number | null = null;
  let finishReason: string | null = null;
  const fail = (error: string): CompletionOutcome => ({
    ok: false,
    error,
    startTime,
    endTime: now(),
    chunks,
    numOutputTokens: chunks.length,
    numPromptTokens: promptTokens,
    finishReason,
  });
  try {
    const res = await fetch(completionsUrl(call.url), {
      method: "POST",
      headers: { "content-type": "application/json", ...call.headers },
      body: JSON.stringify({
        model: call.model,
        prompt: call.prompt,
        max_tokens: call.maxTokens,
        temperature: 0,
        ignore_eos: call.ignoreEos ?? true,
        stream: true,
        stream_options: { include_usage: true },
      }),
      ...(call.signal !== undefined && { signal: call.signal }),
    });
    if (!res.ok || res.body === null) {
      const text = await res.text().catch(() => "");
      return fail(`HTTP ${res.status}: ${text.slice(0, 200)}`);
    }
    for await (const data of sseData(res.body)) {
      if (data === "[DONE]") break;
      const chunk = JSON.parse(data) as Chunk;
      const choice = chunk.choices?.[0];
      if (choice?.text) chunks.push({ time: now(), numTokens: 1 });
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (typeof chunk.usage?.completion_tokens === "number") usageTokens = chunk.usage.completion_tokens;
      if (typeof chunk.usage?.prompt_tokens === "number") promptTokens = chunk.usage.prompt_tokens;
    }
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  const last = chunks.at(-1);
  // A server may pack several tokens into a chunk; the usage total is the truth, so the last
  // chunk carries whatever the chunk count missed.
  if (last !== undefined && usageTokens !== null && usageTokens > chunks.length) {
    last.numTokens += usageTokens - chunks.length;
  }
  if (chunks.length === 0) return fail("the stream ended without any text");
  return {
    ok: true,
    error: null,
    startTime,
    endTime: now(),
    chunks,
    numOutputTokens: usageTokens ?? chunks.length,
    numPromptTokens: promptTokens,
    finishReason,
  };
}
