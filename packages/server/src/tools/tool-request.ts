import type { ChatMessage } from "@pagoda/model-loaders";
import { z } from "zod";
import { HttpError } from "../errors/http-error.js";
import type { ForcedChoice } from "./forced-choice.js";

/** One entry of `tools`: OpenAI's function tool (its JSON-schema `parameters` reach the template as given). */
export const toolSchema = z.object({
  type: z.literal("function", { error: 'tools[].type must be "function"' }),
  function: z.looseObject({
    name: z.string().min(1, { error: "tools[].function.name must not be empty" }),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
  }),
});

/** `tool_choice`: a mode or a named function. */
export const toolChoiceSchema = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string() }) }),
]);

/** A parsed tool definition. */
export type Tool = z.output<typeof toolSchema>;

/** What tool fields a chat request has. */
export interface ToolFields {
  tools?: Tool[] | null | undefined;
  tool_choice?: z.output<typeof toolChoiceSchema> | null | undefined;
  /** `false`: at most one call per answer. */
  parallel_tool_calls?: boolean | null | undefined;
}

/** Rejects a forced `tool_choice` (`required`, a named function) without tools, or naming none of them. */
export function checkToolFields(r: ToolFields): void {
  const choice = forcedChoice(r);
  if (choice === null) return;
  if (r.tools == null || r.tools.length === 0) {
    throw new HttpError("request.invalid", "tool_choice forces a tool call but tools is empty", {
      details: { param: "tool_choice" },
    });
  }
  if (choice !== "required" && !r.tools.some((t) => t.function.name === choice.function.name)) {
    throw new HttpError(
      "request.invalid",
      `tool_choice names "${choice.function.name}", which is not in tools`,
      {
        details: { param: "tool_choice" },
      },
    );
  }
}

/** The forced choice of a request, or `null` for `auto` / `none` / none given. */
export function forcedChoice(r: ToolFields): ForcedChoice | null {
  const choice = r.tool_choice;
  return choice == null || choice === "none" || choice === "auto" ? null : choice;
}

/** Whether the output should be read for tool calls: tools given and `tool_choice` not `none`. */
export function toolsActive(r: ToolFields): boolean {
  return r.tools != null && r.tools.length > 0 && r.tool_choice !== "none";
}

/**
 * History messages as templates expect them: an assistant's `tool_calls[].function.arguments` is a
 * JSON string in the API but an object in HF templates (they `tojson` it), so it is decoded, as vLLM does.
 */
export function templateToolCalls(messages: ChatMessage[]): ChatMessage[] {
  return messages.map((m, i) => {
    if (m.role !== "assistant" || !Array.isArray(m.tool_calls)) return m;
    const calls = m.tool_calls.map((call: unknown, j: number) =>
      decodeArguments(call, `messages[${i}].tool_calls[${j}]`),
    );
    return { ...m, tool_calls: calls };
  });
}

function decodeArguments(call: unknown, where: string): unknown {
  const fn = (call as { function?: { arguments?: unknown } } | null)?.function;
  if (fn == null || typeof fn.arguments !== "string") return call;
  try {
    return { ...(call as object), function: { ...fn, arguments: JSON.parse(fn.arguments) } };
  } catch {
    throw new HttpError("request.invalid", `${where}.function.arguments is not valid JSON`, {
      details: { param: "messages" },
    });
  }
}
