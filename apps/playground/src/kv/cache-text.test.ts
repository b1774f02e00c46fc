import { describe, expect, it } from "vitest";
import { cacheText } from "./cache-text.js";

describe("cacheText", () => {
  it("names the dtype and the size in MiB, and nothing when the server does not say", () => {
    expect(cacheText({ dtype: "int8", bytes: 3 * 2 ** 20 + 2 ** 19 })).toBe(" · int8 · 3.5 MiB");
    expect(cacheText({ dtype: "f16", bytes: 64 * 2 ** 20 })).toBe(" · f16 · 64 MiB");
    expect(cacheText({ dtype: null, bytes: null })).toBe("");
  });
});
