import type { CompiledGrammar, GrammarCompiler, GrammarMatcher } from "@mlc-ai/web-xgrammar";
import { SamplingParamsError } from "../errors.js";
import { choiceGrammar, type GuidedSpec, guidedKey } from "./guided-spec.js";
import { loadXGrammar, type XGrammarModule } from "./load-xgrammar.js";

// OpenAI's json_object: any JSON object (xgrammar's builtin JSON grammar also allows arrays).
const ANY_OBJECT = JSON.stringify({ type: "object" });

// The request field each kind comes from, for error messages.
const PARAM: Record<GuidedSpec["kind"], string> = {
  json_object: "guided_json_object",
  json_schema: "guided_json",
  regex: "guided_regex",
  choice: "guided_choice",
  grammar: "guided_grammar",
  structural_tag: "guided_structural_tag",
};

/** The tokenizer call the decoder needs to learn each token's text. */
export interface VocabDecoder {
  decode(ids: readonly number[], options?: { skipSpecialTokens?: boolean }): string;
}

/**
 * Compiles guided specs (JSON schema, regex, choice, EBNF) into xgrammar grammars over one
 * model's vocabulary, cached by spec, and hands out a fresh matcher per sample.
 */
export class StructuredDecoder {
  private readonly cache = new Map<string, Promise<CompiledGrammar>>();

  private constructor(
    private readonly xg: XGrammarModule,
    private readonly compiler: GrammarCompiler,
  ) {}

  /**
   * Builds the vocabulary table from `tokenizer.decode([id])` for every id below `vocabSize`
   * ("raw" vocabulary: each token's text). Stop tokens are what a finished grammar allows.
   */
  static async create(
    tokenizer: VocabDecoder,
    vocabSize: number,
    stopTokenIds: readonly number[],
  ): Promise<StructuredDecoder> {
    const xg = await loadXGrammar();
    const vocab = tokenTexts(tokenizer, vocabSize);
    const info = await xg.TokenizerInfo.createTokenizerInfo(vocab, "raw", false, vocabSize, [
      ...stopTokenIds,
    ]);
    return new StructuredDecoder(xg, await xg.GrammarCompiler.createGrammarCompiler(info, true));
  }

  /** A matcher at the start of `spec`'s grammar; `SamplingParamsError` naming the field when it does not compile. */
  async matcher(spec: GuidedSpec): Promise<GrammarMatcher> {
    const key = guidedKey(spec);
    let compiled = this.cache.get(key);
    if (compiled === undefined) {
      compiled = this.compile(spec);
      this.cache.set(key, compiled);
      compiled.catch(() => this.cache.delete(key)); // a failure is not cached
    }
    return this.xg.GrammarMatcher.createGrammarMatcher(await compiled);
  }

  private async compile(spec: GuidedSpec): Promise<CompiledGrammar> {
    try {
      switch (spec.kind) {
        case "json_object":
          return await this.compiler.compileJSONSchema(ANY_OBJECT, false);
        case "json_schema":
          return await this.compiler.compileJSONSchema(spec.schema, false);
        case "regex":
          return await this.compiler.compileStructuralTag({
            type: "structural_tag",
            format: { type: "regex", pattern: spec.pattern },
          });
        case "choice":
          return await this.compiler.compileGrammar(choiceGrammar(spec.choices));
        case "grammar":
          return await this.compiler.compileGrammar(spec.ebnf);
        case "structural_tag":
          return await this.compiler.compileStructuralTag(spec.tag);
      }
    } catch (err) {
      // xgrammar's wasm aborts with a bare "Aborted()"; its reason goes to stderr only.
      const param = PARAM[spec.kind];
      throw new SamplingParamsError(
        "sampling.invalid",
        `${param}: xgrammar could not compile the ${spec.kind}`,
        {
          cause: err,
          details: { param },
        },
      );
    }
  }
}

// Each token's text as it reads after other text: a SentencePiece decoder drops the leading
// space of a sequence's first token, so the token is decoded after an anchor token and the
// anchor's own text cut off. Partial UTF-8 byte tokens read as U+FFFD.
function tokenTexts(tokenizer: VocabDecoder, vocabSize: number): string[] {
  const opts = { skipSpecialTokens: false };
  let anchor = 0;
  while (anchor < vocabSize && !/^[A-Za-z]+$/.test(tokenizer.decode([anchor], opts))) anchor++;
  if (anchor === vocabSize) anchor = 0;
  const prefix = tokenizer.decode([anchor], opts);
  return Array.from({ length: vocabSize }, (_, id) => {
    const both = tokenizer.decode([anchor, id], opts);
    return both.startsWith(prefix) ? both.slice(prefix.length) : tokenizer.decode([id], opts);
  });
}
