export type { GuidedSpec } from "./guided-spec.js";
export { loadXGrammar, type XGrammarModule } from "./load-xgrammar.js";
export { StructuredDecoder, type VocabDecoder } from "./structured-decoder.js";
