// Which format each matrix of a model gets under a quantization scheme. llama.cpp's Q4_K_M keeps
// the output projection at Q6_K (the logits are the most sensitive matrix); here the same holds,
// and the embedding shares it when the two are tied.

import { quantFail } from "./quant-error.js";
import { fitsBlocks, type QuantType } from "./quant-types.js";

/** A whole-model quantization: the format of the matrices (`pagoda quantize --type`). */
export type QuantScheme = "q8_0" | "q4_0" | "q4_k";

/** All schemes, in the order the CLI lists them. */
export const QUANT_SCHEMES: readonly QuantScheme[] = ["q8_0", "q4_0", "q4_k"];

/** True when `name` is a {@link QuantScheme}. */
export function isQuantScheme(name: unknown): name is QuantScheme {
  return typeof name === "string" && (QUANT_SCHEMES as readonly string[]).includes(name);
}

/** Throws `quant.bad_scheme` unless `name` is a {@link QuantScheme}. */
export function checkQuantScheme(name: unknown): QuantScheme {
  if (isQuantScheme(name)) return name;
  return quantFail(
    "bad_scheme",
    `unknown quantization ${JSON.stringify(name)}; use one of ${QUANT_SCHEMES.join(", ")}`,
    {
      scheme: name,
    },
  );
}

/**
 * The format of a matrix with rows of `cols` under `scheme` (`output`: the LM head, or the tied
 * embedding), or null to keep it as stored. K formats need rows of 256; rows that only fit 32
 * fall back to Q8_0, and rows that fit neither stay as they are.
 */
export function matrixQuantType(scheme: QuantScheme, cols: number, output: boolean): QuantType | null {
  const wanted: QuantType =
    scheme === "q8_0" ? "Q8_0" : scheme === "q4_0" ? "Q4_0" : output ? "Q6_K" : "Q4_K";
  if (fitsBlocks(wanted, cols)) return wanted;
  return fitsBlocks("Q8_0", cols) ? "Q8_0" : null;
}
