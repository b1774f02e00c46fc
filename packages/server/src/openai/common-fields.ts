import { SAMPLING_PARAM_KEYS } from "@pagoda/engine";
import { z } from "zod";
import { HttpError } from "../errors/http-error.js";

/**
 * The engine's sampling fields, passed through unchecked: `parseSamplingParams` validates them
 * with messages that state the allowed range, so the HTTP layer does not check them twice.
 */
export const samplingFields = Object.fromEntries(
  SAMPLING_PARAM_KEYS.map((key) => [key, z.unknown().optional()]),
) as Record<SamplingKey, z.ZodOptional<z.ZodUnknown>>;

type SamplingKey = (typeof SAMPLING_PARAM_KEYS)[number];

/** Fields every generation endpoint has besides the sampling ones. */
export const endpointFields = {
  model: z.string().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.strictObject({ include_usage: z.boolean().nullish() }).nullish(),
  /** Accepted and ignored, as OpenAI's clients may send it. */
  user: z.string().nullish(),
};

/** The sampling fields of a parsed body, `undefined` ones dropped. */
export function pickSampling(body: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SAMPLING_PARAM_KEYS) if (body[key] !== undefined) out[key] = body[key];
  return out;
}

/** Checks shared by completions and chat: `stream_options` needs `stream` (`logit_bias` goes to the engine). */
export function checkCommon(r: { stream?: boolean | null; stream_options?: unknown }): void {
  if (r.stream_options != null && r.stream !== true) {
    throw new HttpError("request.invalid", "stream_options is only allowed with stream: true", {
      details: { param: "stream_options" },
    });
  }
}
