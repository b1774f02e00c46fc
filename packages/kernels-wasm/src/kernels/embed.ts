import { KernelId } from "../kernel-ids.js";
import type { KernelRuntime } from "../runtime/kernel-runtime.js";
import {
  fitsWeightBlocks,
  isQuantizedWeightType,
  isWeightType,
  WEIGHT_TYPE_LIST,
  WeightType,
  weightRowBytes,
  weightTypeName,
} from "../weight-type.js";

/** Arguments of `embed`: `out[t, :] = table[ids[t], :]` as F32. */
export interface EmbedArgs {
  /** i32 `[numTokens]`, each below `vocab`. */
  readonly ids: number;
  /** `[vocab, hidden]` of `weightType`. */
  readonly table: number;
  readonly weightType: WeightType;
  /** F32 `[numTokens, hidden]`. */
  readonly out: number;
  readonly numTokens: number;
  readonly hidden: number;
  readonly vocab: number;
}

/** Launches embed (a row gather with dequantization). */
export function embed(rt: KernelRuntime, a: EmbedArgs): void {
  const k = "embed";
  const { numTokens, hidden, vocab, weightType } = a;
  rt.checkCount(k, "numTokens", numTokens);
  rt.checkCount(k, "hidden", hidden);
  rt.checkCount(k, "vocab", vocab);
  if (!isWeightType(weightType)) rt.fail(k, "weightType", `must be ${WEIGHT_TYPE_LIST}, got ${weightType}`);
  if (!fitsWeightBlocks(weightType, hidden))
    rt.fail(k, "hidden", `${hidden} is not whole blocks of ${weightTypeName(weightType)}`);
  rt.checkPtr(k, "ids", a.ids, numTokens * 4);
  rt.checkPtr(
    k,
    "table",
    a.table,
    vocab * weightRowBytes(weightType, hidden),
    weightType === WeightType.F32 ? 4 : isQuantizedWeightType(weightType) ? 1 : 2,
  );
  rt.checkPtr(k, "out", a.out, numTokens * hidden * 4);
  const ids = rt.i32(a.ids, numTokens);
  for (let t = 0; t < numTokens; t++) {
    const id = ids[t] as number;
    if (id < 0 || id >= vocab) rt.fail(k, "ids", `[${t}] = ${id} is not a token id below vocab ${vocab}`);
  }
  const args = rt.args();
  args[0] = a.ids;
  args[1] = a.table;
  args[2] = weightType;
  args[3] = a.out;
  args[4] = numTokens;
  args[5] = hidden;
  rt.launch(KernelId.embed, numTokens * hidden);
}
