import type * as XGrammar from "@mlc-ai/web-xgrammar";
import { onceUnlessRejected } from "./retry-on-failure.js";

/** The xgrammar web build's classes (TokenizerInfo, GrammarCompiler, GrammarMatcher, ...). */
export type XGrammarModule = typeof XGrammar;

/**
 * Loads `@mlc-ai/web-xgrammar` once. Its 0.1.27 bundle is a UMD script published as ESM: in
 * Node it reaches for `require` and `__filename` (absent in ESM) and exports nothing, but it
 * always sets `globalThis.xgrammar`. So in Node we lend it both globals while it loads and starts its wasm;
 * in a browser worker (`location` defined) it loads as it is. A failed load is not kept: the next call tries again.
 */
export const loadXGrammar: () => Promise<XGrammarModule> = onceUnlessRejected(importIt);

async function importIt(): Promise<XGrammarModule> {
  const g = globalThis as Record<string, unknown>;
  const lent: string[] = [];
  if (typeof g.location === "undefined" && typeof g.document === "undefined") {
    const { createRequire } = await import("node:module");
    const require = createRequire(import.meta.url);
    const entry = require.resolve("@mlc-ai/web-xgrammar");
    for (const [k, v] of [
      ["require", require],
      ["__filename", entry],
    ] as const) {
      if (g[k] === undefined) {
        g[k] = v;
        lent.push(k);
      }
    }
  }
  try {
    const mod = (await import("@mlc-ai/web-xgrammar")) as Partial<XGrammarModule>;
    const xg = (mod.GrammarCompiler ? mod : g.xgrammar) as XGrammarModule;
    // The wasm binding loads on the first call (and needs the lent globals then): make it now.
    (await xg.TokenizerInfo.createTokenizerInfo(["a"], "raw", false, 1, [])).dispose();
    return xg;
  } finally {
    for (const k of lent) delete g[k];
  }
}
