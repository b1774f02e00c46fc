import { afterEach, describe, expect, it, vi } from "vitest";

afterEach(() => {
  vi.doUnmock("@mlc-ai/web-xgrammar");
  vi.resetModules();
});

describe("loadXGrammar", () => {
  it("a failed load is retried on the next call, which then loads the real module", async () => {
    vi.resetModules();
    vi.doMock("@mlc-ai/web-xgrammar", () => {
      throw new Error("xgrammar wasm did not start");
    });
    const { loadXGrammar } = await import("./load-xgrammar.js");
    // vitest wraps the factory's error in its own ("There was an error when mocking a module").
    await expect(loadXGrammar()).rejects.toThrow(/mocking a module/);
    vi.doUnmock("@mlc-ai/web-xgrammar");
    const xg = await loadXGrammar();
    expect(typeof xg.GrammarCompiler.createGrammarCompiler).toBe("function");
    expect(await loadXGrammar()).toBe(xg); // kept once it succeeded
  });
});
