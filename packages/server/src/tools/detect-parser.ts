import type { ChatTemplate } from "@pagoda/model-loaders";
import { detectToolCallParser } from "./parsers.js";

// A conversation with a tool and an earlier call: templates that support tools show their markers here.
// The call id is 9 alphanumerics because Mistral's templates refuse any other.
const PROBE_ID = "pr0be0001";
const PROBE_TOOL = {
  type: "function",
  function: { name: "probe", description: "probe", parameters: { type: "object", properties: {} } },
};
const PROBE_MESSAGES = [
  { role: "user", content: "probe" },
  {
    role: "assistant",
    content: "",
    tool_calls: [{ id: PROBE_ID, type: "function", function: { name: "probe", arguments: {} } }],
  },
  { role: "tool", tool_call_id: PROBE_ID, content: "probe" },
];

/**
 * The tool-call parser a chat template implies, found by rendering a conversation with a tool and
 * a call and looking for one family's marker; `null` when the template renders none, several, or
 * fails on the probe (then `--tool-call-parser` must name it).
 */
export function detectTemplateToolParser(template: ChatTemplate): string | null {
  try {
    return detectToolCallParser(
      template.render(PROBE_MESSAGES, { tools: [PROBE_TOOL], addGenerationPrompt: true }),
    );
  } catch {
    return null;
  }
}
