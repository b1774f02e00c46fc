/** OpenAI's `usage` object. */
export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** A chunk's `usage`: absent, `null` (the usage comes last) or the usage so far. */
export type ChunkUsage = OpenAIUsage | null | undefined;

/** The `usage` a chunk carries under the request's `stream_options`. */
export function chunkUsage(
  o: { includeUsage: boolean; continuousUsage: boolean },
  now: () => { promptTokens: number; completionTokens: number },
): ChunkUsage {
  if (!o.includeUsage) return undefined;
  return o.continuousUsage ? toUsage(now()) : null;
}

/** `usage` from token counts. */
export function toUsage(u: { promptTokens: number; completionTokens: number }): OpenAIUsage {
  return {
    prompt_tokens: u.promptTokens,
    completion_tokens: u.completionTokens,
    total_tokens: u.promptTokens + u.completionTokens,
  };
}

/** The fields every response and chunk starts with. */
export interface ResponseHead {
  /** `cmpl-…` or `chatcmpl-…`. */
  id: string;
  /** Unix seconds. */
  created: number;
  model: string;
}

/** Unix time in whole seconds, OpenAI's `created`. */
export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
