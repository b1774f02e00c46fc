/** What a request's output must match: vLLM's guided_* fields and OpenAI's response_format. */
export type GuidedSpec =
  | { kind: "json_object" }
  | { kind: "json_schema"; schema: string }
  | { kind: "regex"; pattern: string }
  | { kind: "choice"; choices: string[] }
  | { kind: "grammar"; ebnf: string }
  /** xgrammar's structural tag (`{format: ...}`), as JSON. */
  | { kind: "structural_tag"; tag: string };

/** A stable key for the compiled-grammar cache: same spec, same key. */
export function guidedKey(spec: GuidedSpec): string {
  return JSON.stringify(spec);
}

// EBNF string literal: backslash and quote escaped, control characters as \xNN-free JSON escapes.
function ebnfLiteral(s: string): string {
  return JSON.stringify(s);
}

/** An EBNF grammar accepting exactly one of `choices` (vLLM's guided_choice). */
export function choiceGrammar(choices: readonly string[]): string {
  return `root ::= ${choices.map(ebnfLiteral).join(" | ")}`;
}
