import { Tokenizer as HfTokenizer } from "@huggingface/tokenizers";
import { TokenizerError } from "../errors.js";

/** Options of {@link Tokenizer.encode}. */
export interface EncodeOptions {
  /** Add the tokenizer's special tokens (Llama: BOS in front). Default true. */
  addSpecialTokens?: boolean;
}

/** Options of {@link Tokenizer.decode}. */
export interface DecodeOptions {
  /** Leave out special tokens (BOS, EOS, chat markers). Default false. */
  skipSpecialTokens?: boolean;
}

/** `bos_token` etc. are a string or an AddedToken-like `{ content }` object. */
function tokenText(v: unknown): string | null {
  if (typeof v === "string") return v;
  if (typeof v === "object" && v !== null && typeof (v as { content?: unknown }).content === "string") {
    return (v as { content: string }).content;
  }
  return null;
}

/**
 * A Hugging Face fast tokenizer (`tokenizer.json` + `tokenizer_config.json`), run by
 * `@huggingface/tokenizers`, with Pagoda's camelCase API and typed errors.
 */
export class Tokenizer {
  /** One more than the largest id, added tokens included. */
  readonly vocabSize: number;
  readonly bosToken: string | null;
  readonly eosToken: string | null;
  readonly bosTokenId: number | null;
  readonly eosTokenId: number | null;
  /** Ids of the tokens marked special (skipped by `decode(…, { skipSpecialTokens: true })`). */
  readonly specialTokenIds: ReadonlySet<number>;
  /** The `tokenizer_config.json` object as read (chat templates and extra tokens live there). */
  readonly config: Readonly<Record<string, unknown>>;
  private readonly hf: HfTokenizer;

  /**
   * Builds a tokenizer from parsed JSON; `file` names it in errors. Throws `tokenizer.invalid`
   * when the library cannot build it.
   */
  constructor(
    tokenizerJson: Record<string, unknown>,
    tokenizerConfig: Record<string, unknown>,
    file = "tokenizer.json",
  ) {
    try {
      this.hf = new HfTokenizer(tokenizerJson, tokenizerConfig);
    } catch (cause) {
      throw new TokenizerError(
        "tokenizer.invalid",
        `${file}: cannot build the tokenizer (${(cause as Error).message})`,
        {
          cause,
          details: { file },
        },
      );
    }
    this.config = tokenizerConfig;
    const vocab = this.hf.get_vocab(true);
    let max = -1;
    for (const id of vocab.values()) max = Math.max(max, id);
    this.vocabSize = max + 1;
    const special = new Set<number>();
    for (const [id, token] of this.hf.get_added_tokens_decoder()) if (token.special) special.add(id);
    this.specialTokenIds = special;
    this.bosToken = tokenText(tokenizerConfig.bos_token);
    this.eosToken = tokenText(tokenizerConfig.eos_token);
    this.bosTokenId = this.bosToken === null ? null : (this.hf.token_to_id(this.bosToken) ?? null);
    this.eosTokenId = this.eosToken === null ? null : (this.hf.token_to_id(this.eosToken) ?? null);
  }

  /** Token ids of `text`. */
  encode(text: string, options: EncodeOptions = {}): number[] {
    return this.hf.encode(text, { add_special_tokens: options.addSpecialTokens ?? true }).ids;
  }

  /** Text of `ids` (spaces cleaned up only where `tokenizer_config.json` asks for it). */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    return this.hf.decode(ids as number[], { skip_special_tokens: options.skipSpecialTokens ?? false });
  }

  /** The token string of `id` (e.g. `"▁Once"`, `"<0x0A>"`), or undefined. */
  idToToken(id: number): string | undefined {
    return this.hf.id_to_token(id);
  }

  /** The id of a token string, or undefined. */
  tokenToId(token: string): number | undefined {
    return this.hf.token_to_id(token);
  }
}
