import type { ChatTemplate } from "@pagoda/model-loaders";
import { HttpError } from "../errors/http-error.js";
import type { CallRegionFinder } from "./call-regions.js";
import { forcedCallRegions, forcedToolCalls, forcedToolSchema } from "./forced-choice.js";
import type { ToolCallParser } from "./parsers.js";
import { resolveToolParser } from "./resolve-parser.js";
import type { ToolCallIdSource } from "./tool-call.js";
import { randomToolCallId } from "./tool-call.js";
import { forcedChoice, type ToolFields, toolsActive } from "./tool-request.js";
import { FORCED_PARSER_NAME } from "./tool-stream.js";

/** How a chat answer's output is read for tool calls. */
export interface ChatTools {
  parserName: string;
  parse: ToolCallParser;
  /** Where the calls are while the output grows, so they stream as generated. */
  regions: CallRegionFinder;
  newId: ToolCallIdSource;
}

/**
 * How a request's output is read for calls, or `undefined` when it is not. `auto` reads it with
 * the family's parser; a forced choice (`required`, a named function) constrains the output with
 * the engine's `guided_json` (added to `params`) and reads that JSON as the calls, as vLLM does.
 */
export function chatTools(
  r: ToolFields,
  template: ChatTemplate | null,
  configuredParser: string | undefined,
  params: Record<string, unknown>,
): ChatTools | undefined {
  if (!toolsActive(r)) return undefined;
  const single = r.parallel_tool_calls === false;
  const forced = forcedChoice(r);
  if (forced === null) {
    const tools = { ...resolveToolParser(template, configuredParser), newId: randomToolCallId };
    return single ? firstCallOnly(tools) : tools;
  }
  if (Object.keys(params).some((k) => k.startsWith("guided_"))) {
    throw new HttpError(
      "request.invalid",
      "a forced tool_choice cannot be combined with guided decoding fields",
      {
        details: { param: "tool_choice" },
      },
    );
  }
  params.guided_json = forcedToolSchema(r.tools ?? [], forced, single);
  return {
    parserName: FORCED_PARSER_NAME,
    parse: (text, newId) => forcedToolCalls(text, forced, newId),
    regions: forcedCallRegions(forced),
    newId: randomToolCallId,
  };
}

/**
 * `parallel_tool_calls: false` under `auto`: the model may still write several calls (nothing
 * constrains it), so only the first is read, streamed or not; the others are dropped.
 */
export function firstCallOnly(tools: ChatTools): ChatTools {
  return {
    ...tools,
    parse: (text, newId) => {
      const parsed = tools.parse(text, newId);
      return { ...parsed, toolCalls: parsed.toolCalls.slice(0, 1) };
    },
    // Past the first call (`resumed`) there is nothing more to read.
    regions: (text, resumed) => (resumed ? [] : tools.regions(text, false).slice(0, 1)),
  };
}
