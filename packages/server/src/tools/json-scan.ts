// A tolerant scanner over JSON text that may still be growing (a model's output mid-stream):
// it finds where values and object members start and end without parsing them, and says `null`
// where the text ends before the thing it looks for does.

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);

/** The first index at or after `at` that is not JSON whitespace. */
export function skipWhitespace(text: string, at: number): number {
  let i = at;
  while (i < text.length && WHITESPACE.has(text[i] as string)) i++;
  return i;
}

// Just past the string literal whose opening quote is at `at`; null when not closed yet.
function stringEnd(text: string, at: number): number | null {
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") i++;
    else if (c === '"') return i + 1;
  }
  return null;
}

/**
 * Just past the JSON value that starts at `at`, or `null` when the text ends inside it (a bare
 * number or literal at the very end may still grow, so it is unfinished too). Brackets are only
 * counted, not matched: malformed text is caught when the whole value is parsed.
 */
export function valueEnd(text: string, at: number): number | null {
  const first = text[at];
  if (first === undefined) return null;
  if (first === '"') return stringEnd(text, at);
  if (first === "{" || first === "[") {
    let depth = 0;
    for (let i = at; i < text.length; i++) {
      const c = text[i];
      if (c === '"') {
        const end = stringEnd(text, i);
        if (end === null) return null;
        i = end - 1;
      } else if (c === "{" || c === "[") depth++;
      else if (c === "}" || c === "]") {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return null;
  }
  let i = at;
  while (i < text.length && !/[\s,}\]]/.test(text[i] as string)) i++;
  return i < text.length ? i : null;
}

/** One `"key": value` of an object: where its value starts and ends (`null`: not yet). */
export interface JsonMember {
  key: string;
  valueStart: number;
  valueEnd: number | null;
}

/**
 * The members of the object whose `{` is at `at`, as far as the text goes, and the index past its
 * `}` (`null`: not closed yet). `null` when there is no object there or its shape is broken.
 */
export function objectMembers(
  text: string,
  at: number,
): { members: JsonMember[]; end: number | null } | null {
  if (text[at] !== "{") return null;
  const members: JsonMember[] = [];
  const open = { members, end: null };
  let i = skipWhitespace(text, at + 1);
  if (text[i] === "}") return { members, end: i + 1 };
  for (;;) {
    if (i >= text.length) return open;
    if (text[i] !== '"') return null;
    const keyEnd = stringEnd(text, i);
    if (keyEnd === null) return open;
    const key = parseString(text.slice(i, keyEnd));
    if (key === null) return null;
    i = skipWhitespace(text, keyEnd);
    if (i >= text.length) return open;
    if (text[i] !== ":") return null;
    i = skipWhitespace(text, i + 1);
    if (i >= text.length) return open;
    const end = valueEnd(text, i);
    members.push({ key, valueStart: i, valueEnd: end });
    if (end === null) return open;
    i = skipWhitespace(text, end);
    if (i >= text.length) return open;
    if (text[i] === "}") return { members, end: i + 1 };
    if (text[i] !== ",") return null;
    i = skipWhitespace(text, i + 1);
  }
}

/**
 * The start of each element of the array whose `[` is at `at`, as far as the text goes; `null`
 * when there is no array there or its shape is broken.
 */
export function arrayElements(text: string, at: number): number[] | null {
  if (text[at] !== "[") return null;
  const i = skipWhitespace(text, at + 1);
  return text[i] === "]" ? [] : elementsFrom(text, i);
}

/**
 * The starts of the elements after the one that ends at `end`, as far as the text goes (none once
 * the array closes); `null` when the array's shape is broken there.
 */
export function arrayElementsAfter(text: string, end: number): number[] | null {
  const i = skipWhitespace(text, end);
  if (i >= text.length || text[i] === "]") return [];
  if (text[i] !== ",") return null;
  return elementsFrom(text, skipWhitespace(text, i + 1));
}

// The starts of the elements from the one at `at` on.
function elementsFrom(text: string, at: number): number[] | null {
  const starts: number[] = [];
  let i = at;
  while (i < text.length) {
    starts.push(i);
    const end = valueEnd(text, i);
    if (end === null) return starts;
    i = skipWhitespace(text, end);
    if (i >= text.length || text[i] === "]") return starts;
    if (text[i] !== ",") return null;
    i = skipWhitespace(text, i + 1);
  }
  return starts;
}

/** The JSON texts of the elements of the array `text` (whitespace around it allowed). */
export function arrayElementTexts(text: string): string[] {
  const starts = arrayElements(text, skipWhitespace(text, 0)) ?? [];
  return starts.map((s) => text.slice(s, valueEnd(text, s) ?? text.length));
}

function parseString(literal: string): string | null {
  try {
    const v: unknown = JSON.parse(literal);
    return typeof v === "string" ? v : null;
  } catch {
    return null;
  }
}

/**
 * Drops the whitespace outside strings, fed piece by piece: the compact form of a JSON text that
 * can be sent as the text arrives (tool-call arguments), equal to compacting the whole at once.
 */
export class JsonCompactor {
  private inString = false;
  private escaped = false;

  /** The compact form of the next piece. */
  push(piece: string): string {
    let out = "";
    for (const c of piece) {
      if (this.inString) {
        out += c;
        if (this.escaped) this.escaped = false;
        else if (c === "\\") this.escaped = true;
        else if (c === '"') this.inString = false;
      } else if (c === '"') {
        this.inString = true;
        out += c;
      } else if (!WHITESPACE.has(c)) {
        out += c;
      }
    }
    return out;
  }
}

/** `text` without whitespace outside strings. */
export function compactJson(text: string): string {
  return new JsonCompactor().push(text);
}
