import { SAMPLING_PARAM_KEYS } from "@pagoda/engine";
import { z } from "zod";
import { HttpError } from "../errors/http-error.js";
import {
  applyResponseFormat,
  applyStructuredOutputs,
  responseFormatSchema,
  structuredOutputsSchema,
} from "./response-format.js";

// The engine's `tenant` comes from `X-Tenant` or `user` (see `requestTenant`), never the body's
// own field, so that a client cannot name itself in two places that disagree.
const BODY_SAMPLING_KEYS = SAMPLING_PARAM_KEYS.filter((key): key is SamplingKey => key !== "tenant");

/**
 * The engine's sampling fields, passed through unchecked: `parseSamplingParams` validates them
 * with messages that state the allowed range, so the HTTP layer does not check them twice.
 */
export const samplingFields = Object.fromEntries(
  BODY_SAMPLING_KEYS.map((key) => [key, z.unknown().optional()]),
) as Record<SamplingKey, z.ZodOptional<z.ZodUnknown>>;

type SamplingKey = Exclude<(typeof SAMPLING_PARAM_KEYS)[number], "tenant">;

/** Fields every generation endpoint has besides the sampling ones. */
export const endpointFields = {
  model: z.string().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z
    .object({
      include_usage: z.boolean().nullish(),
      /** vLLM's: with `include_usage`, every chunk carries the usage so far. */
      continuous_usage_stats: z.boolean().nullish(),
    })
    .nullish(),
  /** vLLM's newer name for `max_tokens`; it wins when both are given, as in vLLM. */
  max_completion_tokens: z.unknown().optional(),
  /** vLLM's: log-probability tokens read `token_id:<id>`, for clients that cannot map text back. */
  return_tokens_as_token_ids: z.boolean().nullish(),
  /** OpenAI's end-user id: the `fair` policy's tenant unless an `X-Tenant` header names one. */
  user: z.string().nullish(),
  /** OpenAI's structured outputs: json_object or json_schema, enforced by a grammar. */
  response_format: responseFormatSchema.nullish(),
  /** vLLM's newer form of the guided_* fields. */
  structured_outputs: structuredOutputsSchema.nullish(),
  // OpenAI fields with no meaning for this server: accepted and ignored, as the openai client
  // sends some of them (`store: false`) and OpenAI-compatible servers take them.
  store: z.boolean().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  service_tier: z.string().nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  reasoning_effort: z.string().nullish(),
};

/** What a route reads of `stream_options`: usage at the end, and (vLLM's) on every chunk. */
export interface UsageOptions {
  includeUsage: boolean;
  continuousUsage: boolean;
}

/** The usage options of a request. */
export function usageOptions(r: {
  stream_options?: { include_usage?: boolean | null; continuous_usage_stats?: boolean | null } | null;
}): UsageOptions {
  const includeUsage = r.stream_options?.include_usage === true;
  return { includeUsage, continuousUsage: includeUsage && r.stream_options?.continuous_usage_stats === true };
}

/**
 * The tenant the `fair` policy bills: the `X-Tenant` header wins over the body's `user`, because
 * a gateway sets the header after authenticating the caller while `user` is whatever the client
 * wrote. A blank header counts as absent; `undefined` when neither names one.
 */
export function requestTenant(header: string | undefined, user: unknown): string | undefined {
  const fromHeader = header?.trim();
  if (fromHeader !== undefined && fromHeader !== "") return fromHeader;
  return typeof user === "string" && user !== "" ? user : undefined;
}

/**
 * The sampling fields of a parsed body, `undefined` ones dropped; `max_completion_tokens`, when
 * given, is the engine's `max_tokens`; `tenant` is the request's (see {@link requestTenant}).
 */
export function pickSampling(
  body: Readonly<Record<string, unknown>>,
  tenant?: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of BODY_SAMPLING_KEYS) if (body[key] !== undefined) out[key] = body[key];
  if (body.max_completion_tokens != null) out.max_tokens = body.max_completion_tokens;
  if (tenant !== undefined) out.tenant = tenant;
  applyStructuredOutputs(out, body.structured_outputs as Parameters<typeof applyStructuredOutputs>[1]);
  applyResponseFormat(out, body.response_format as Parameters<typeof applyResponseFormat>[1]);
  return out;
}

/** Checks shared by completions and chat: `stream_options` needs `stream`. */
export function checkCommon(r: { stream?: boolean | null; stream_options?: unknown }): void {
  if (r.stream_options != null && r.stream !== true) {
    throw new HttpError("request.invalid", "stream_options is only allowed with stream: true", {
      details: { param: "stream_options" },
    });
  }
}
