import { describe, expect, it } from "vitest";
import { specDecodeText } from "./spec-decode-text.js";

describe("specDecodeText", () => {
  it("shows the acceptance rate and the tokens a verifying step gains, nothing before a draft", () => {
    expect(specDecodeText(null)).toBeNull();
    expect(specDecodeText(undefined)).toBeNull();
    expect(specDecodeText({ acceptanceRate: 0.625, meanAcceptanceLength: 3.5, numDraftTokens: 8 })).toBe(
      "63% · 3.50 tokens / step",
    );
  });
});
