/**
 * The soak's request mix and the checks on each answer: well-formed completions (streaming or
 * not, n 1..4, stop strings, seeds), malformed bodies, and clients that hang up part-way.
 */

/** Prompts the soak draws from; each is tokenized once through the server's `/tokenize`. */
export const SOAK_PROMPTS: readonly string[] = [
  "Once upon a time",
  "Tom and Lily went to the park.",
  "The cat sat on the mat",
  "One day, a little girl named Sue",
  "The sun was shining and",
  "Ben had a red ball. He",
  "",
  "Mom said, \"Let's go",
];

const STOPS: readonly (readonly string[])[] = [["."], [" the", "!"], ["Lily"], ["\n"]];

/** Bodies no OpenAI server accepts: each must get a 4xx, never a 5xx. */
const MALFORMED: readonly string[] = [
  "{not json",
  JSON.stringify({ prompt: "x", max_tokens: -5 }),
  JSON.stringify({ prompt: 42 }),
  JSON.stringify({}),
  JSON.stringify({ prompt: "x", n: 0 }),
  JSON.stringify({ prompt: "x", temperature: "hot" }),
  JSON.stringify({ prompt: "x", max_tokens: 1_000_000 }),
  JSON.stringify({ prompt: "x", model: "no-such-model" }),
];

/** One planned request. */
export interface SoakRequest {
  readonly index: number;
  readonly kind: "ok" | "malformed";
  readonly body: string;
  readonly stream: boolean;
  readonly n: number;
  readonly maxTokens: number;
  readonly prompt: string;
  /** Milliseconds (non-streaming) or SSE chunks (streaming) before the client hangs up; null: never. */
  readonly disconnectAfter: number | null;
}

/** Draws request `index` of the mix: 5 % malformed, 20 % of the rest abandoned part-way. */
export function planRequest(index: number, rand: () => number, model: string): SoakRequest {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  if (rand() < 0.05) {
    const body = pick(MALFORMED);
    return {
      index,
      kind: "malformed",
      body,
      stream: false,
      n: 1,
      maxTokens: 0,
      prompt: "",
      disconnectAfter: null,
    };
  }
  const stream = rand() < 0.5;
  const n = 1 + Math.floor(rand() * 4);
  const maxTokens = 1 + Math.floor(rand() * 32);
  const prompt = pick(SOAK_PROMPTS);
  const body: Record<string, unknown> = { model, prompt, max_tokens: maxTokens, n, temperature: rand() };
  if (rand() < 0.3) body.stop = pick(STOPS);
  if (rand() < 0.5) body.seed = Math.floor(rand() * 1e6);
  if (stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  const disconnect = rand() < 0.2;
  const disconnectAfter = !disconnect ? null : stream ? Math.floor(rand() * 6) : Math.floor(rand() * 300);
  return { index, kind: "ok", body: JSON.stringify(body), stream, n, maxTokens, prompt, disconnectAfter };
}

/** What a finished well-formed request reported. */
export interface Answer {
  readonly usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
  /** finish_reason per choice index. */
  readonly finishReasons: ReadonlyMap<number, string | null>;
}

/**
 * The problems with a completed answer, empty when it is right: every choice finished, usage
 * present and consistent, the prompt counted as the server tokenizes it, and completion tokens
 * within what the finish reasons allow (all `length`: exactly n × max_tokens).
 */
export function checkAnswer(r: SoakRequest, a: Answer, promptTokens: number): string[] {
  const problems: string[] = [];
  for (let i = 0; i < r.n; i++) {
    const reason = a.finishReasons.get(i);
    if (reason !== "stop" && reason !== "length") problems.push(`choice ${i} finish_reason ${reason}`);
  }
  if (a.finishReasons.size !== r.n) problems.push(`${a.finishReasons.size} choices for n=${r.n}`);
  const u = a.usage;
  if (u === null) return [...problems, "no usage"];
  if (u.prompt_tokens !== promptTokens) problems.push(`prompt_tokens ${u.prompt_tokens} ≠ ${promptTokens}`);
  if (u.total_tokens !== u.prompt_tokens + u.completion_tokens)
    problems.push("total_tokens ≠ prompt + completion");
  const lengthFinished = [...a.finishReasons.values()].filter((x) => x === "length").length;
  const low = lengthFinished * r.maxTokens;
  const high = r.n * r.maxTokens;
  if (u.completion_tokens < low || u.completion_tokens > high) {
    problems.push(`completion_tokens ${u.completion_tokens} outside [${low}, ${high}]`);
  }
  if (lengthFinished === r.n && u.completion_tokens !== high)
    problems.push("all length but not n × max_tokens");
  return problems;
}
