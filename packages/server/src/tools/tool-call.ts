import { objectCall } from "./call-regions.js";
import { compactJson, skipWhitespace } from "./json-scan.js";

/** One parsed call, in the OpenAI `message.tool_calls` shape (arguments as a JSON string). */
export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** What a parser found in a finished output: the text left for `content` and the calls. */
export interface ParsedToolCalls {
  /** The text outside the calls, trimmed; `null` when nothing is left. */
  content: string | null;
  toolCalls: ToolCall[];
}

/** Makes the id of a call; tests pass a counter so ids are predictable. */
export type ToolCallIdSource = () => string;

/** OpenAI-style ids (`call_` + 24 random alphanumerics). */
export const randomToolCallId: ToolCallIdSource = () => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let id = "call_";
  for (let i = 0; i < 24; i++) id += alphabet[Math.floor(Math.random() * alphabet.length)];
  return id;
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A call from a decoded JSON value `{name, arguments | parameters}`, or `null` when it is not one
 * (the caller then leaves the text as content, as vLLM does, rather than failing the request).
 * Arguments given as a string are kept only if they are JSON, so clients can always `JSON.parse` them.
 * An arguments object is the model's own text of it (`argsText`) without the whitespace outside
 * strings — what streaming sends piece by piece — or, without that text, its `JSON.stringify`.
 */
export function callFromJson(value: unknown, newId: ToolCallIdSource, argsText?: string): ToolCall | null {
  if (!isRecord(value) || typeof value.name !== "string" || value.name === "") return null;
  const args = value.arguments ?? value.parameters ?? {};
  let text: string;
  if (typeof args === "string") {
    try {
      JSON.parse(args);
    } catch {
      return null;
    }
    text = args;
  } else if (isRecord(args)) {
    text = argsText === undefined ? JSON.stringify(args) : compactJson(argsText);
  } else {
    return null;
  }
  return { id: newId(), type: "function", function: { name: value.name, arguments: text } };
}

/** The call written as the JSON object `text` (whitespace around it allowed), or `null`; see {@link callFromJson}. */
export function callFromText(text: string, newId: ToolCallIdSource): ToolCall | null {
  const value = tryJson(text);
  if (value === undefined) return null;
  const call = objectCall(text, skipWhitespace(text, 0));
  const argsText =
    call.argsStart !== null && call.argsEnd !== null ? text.slice(call.argsStart, call.argsEnd) : undefined;
  return callFromJson(value, newId, argsText);
}

/** `JSON.parse` that answers `undefined` instead of throwing: model output is often not JSON. */
export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Trimmed text, or `null` when empty. */
export function contentOrNull(text: string): string | null {
  const t = text.trim();
  return t === "" ? null : t;
}
