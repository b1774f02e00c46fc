import { ChatTemplate } from "@pagoda/model-loaders";
import { describe, expect, it } from "vitest";
import {
  HERMES_TEMPLATE,
  LLAMA30_TEMPLATE,
  LLAMA31_TEMPLATE,
  MISTRAL_TEMPLATE,
  TEMPLATE_TOKENS,
} from "../testing/tool-templates.js";
import { detectTemplateToolParser } from "./detect-parser.js";

const detect = (source: string) => detectTemplateToolParser(new ChatTemplate(source, TEMPLATE_TOKENS));

describe("detectTemplateToolParser", () => {
  it("Llama 3.1-style templates are llama3_json (Environment: ipython, the ipython role)", () => {
    expect(detect(LLAMA31_TEMPLATE)).toBe("llama3_json");
    const builtinOnly = LLAMA31_TEMPLATE.replace("Environment: ipython", "<|python_tag|>");
    expect(detect(builtinOnly)).toBe("llama3_json");
  });

  it("Mistral-style templates are mistral, their 9-character call ids satisfied by the probe", () => {
    expect(detect(MISTRAL_TEMPLATE)).toBe("mistral");
  });

  it("hermes-style templates stay hermes", () => {
    expect(detect(HERMES_TEMPLATE)).toBe("hermes");
  });

  it("nothing when the template shows no tools, several families' markers, or fails on the probe", () => {
    expect(detect(LLAMA30_TEMPLATE)).toBeNull();
    expect(detect(`${HERMES_TEMPLATE}[TOOL_CALLS]`)).toBeNull();
    expect(detect(`{{ raise_exception("no tools here") }}`)).toBeNull();
  });
});
