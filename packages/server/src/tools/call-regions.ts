import {
  arrayElements,
  arrayElementsAfter,
  type JsonMember,
  objectMembers,
  skipWhitespace,
  valueEnd,
} from "./json-scan.js";

/** What a growing output shows of one tool call so far, for streaming it. */
export interface CallRegion {
  /** The function's name once it is complete; `null` before. */
  name: string | null;
  /** Where the arguments object's `{` is; `null` before it starts or when they are not an object. */
  argsStart: number | null;
  /** Just past the arguments object; `null` while it is still open. */
  argsEnd: number | null;
  /**
   * Once this call's text can no longer change: where a scan for the calls after it restarts;
   * `null` while more text may still change it.
   */
  resumeAt: number | null;
}

/**
 * Finds the calls of one output format in `text`, in order: the output generated so far, or when
 * `resumed`, the part of it from the `resumeAt` of a call an earlier scan found (so a stream reads
 * each finished call once, and never again). Positions are within `text`.
 */
export type CallRegionFinder = (text: string, resumed: boolean) => CallRegion[];

/** A region whose name is not known yet: streaming waits there. */
export const UNNAMED: CallRegion = { name: null, argsStart: null, argsEnd: null, resumeAt: null };

// `arguments` wins over `parameters`, as in callFromJson; the last of duplicate keys, as JSON.parse.
const ARG_KEYS = ["arguments", "parameters"];

/**
 * The call in the `{name, arguments | parameters}` object whose `{` is at `at`, and the index past
 * the object (`null`: still open, or no object there), which is also where it resumes.
 */
export function objectCall(text: string, at: number): CallRegion & { end: number | null } {
  const object = objectMembers(text, at);
  if (object === null) return { ...UNNAMED, end: null };
  let name: string | null = null;
  let args: JsonMember | undefined;
  for (const m of object.members) {
    if (m.key === "name" && m.valueEnd !== null) name = nameOf(text.slice(m.valueStart, m.valueEnd));
    const rank = ARG_KEYS.indexOf(m.key);
    if (rank >= 0 && (args === undefined || rank <= ARG_KEYS.indexOf(args.key))) args = m;
  }
  const isObject = args !== undefined && text[args.valueStart] === "{";
  return {
    name,
    argsStart: isObject && args ? args.valueStart : null,
    argsEnd: isObject && args ? args.valueEnd : null,
    resumeAt: object.end,
    end: object.end,
  };
}

/**
 * The calls in a JSON array of call objects whose `[` is at `at` (Mistral v3, a forced `required`);
 * each finished call resumes just past itself (see {@link arrayCallsAfter}).
 */
export function arrayCalls(text: string, at: number): CallRegion[] {
  return callsAt(text, arrayElements(text, at));
}

/** The calls of such an array after the element that ends at `end`. */
export function arrayCallsAfter(text: string, end: number): CallRegion[] {
  return callsAt(text, arrayElementsAfter(text, end));
}

function callsAt(text: string, starts: number[] | null): CallRegion[] {
  return (starts ?? []).map((s) => (text[s] === "{" ? objectCall(text, s) : UNNAMED));
}

/** A region whose name is known and whose arguments object may start at `at`; it resumes past them. */
export function argsAt(name: string | null, text: string, at: number): CallRegion {
  const i = skipWhitespace(text, at);
  if (text[i] !== "{") return { name, argsStart: null, argsEnd: null, resumeAt: null };
  const end = valueEnd(text, i);
  return { name, argsStart: i, argsEnd: end, resumeAt: end };
}

function nameOf(literal: string): string | null {
  try {
    const v: unknown = JSON.parse(literal);
    return typeof v === "string" && v !== "" ? v : null;
  } catch {
    return null;
  }
}
