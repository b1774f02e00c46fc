import { z } from "zod";
import { HttpError } from "../errors/http-error.js";
import { checkCommon, endpointFields, samplingFields } from "./common-fields.js";

const tokenIds = z.array(z.int().min(0)).min(1);

/**
 * `prompt`: text, token ids, or a batch of either. Empty text is a prompt (the tokenizer's BOS
 * alone, a document start), as OpenAI and vLLM take it.
 */
const prompt = z.union([z.string(), z.array(z.string()).min(1), tokenIds, z.array(tokenIds).min(1)], {
  error:
    "prompt must be a string, a non-empty array of token ids (integers >= 0), " +
    "or a non-empty array of either",
});

/** The body of `POST /v1/completions`: OpenAI's fields plus vLLM's sampling extras. */
export const completionRequestSchema = z.object({
  ...samplingFields,
  ...endpointFields,
  prompt,
  echo: z.boolean().nullish(),
  suffix: z.string().nullish(),
});

/** A parsed `POST /v1/completions` body. */
export type CompletionRequest = z.output<typeof completionRequestSchema>;

/** Rejects field combinations the server cannot honour, each naming its field. */
export function checkCompletionRequest(r: CompletionRequest): void {
  if (r.suffix) {
    throw new HttpError("request.unsupported", "suffix (insertion) is not supported by this server", {
      details: { param: "suffix" },
    });
  }
  checkCommon(r);
}

/** The prompts of a request as a list: one entry per prompt of a batch. */
export function promptList(p: CompletionRequest["prompt"]): Array<string | number[]> {
  if (typeof p === "string") return [p];
  if (p.every((x) => typeof x === "number")) return [p as number[]];
  return p as Array<string | number[]>;
}
