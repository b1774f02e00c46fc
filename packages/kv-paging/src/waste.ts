import { checkInt, KVCacheError } from "./errors.js";
import type { TraceRequest } from "./length-trace.js";

/** Reserved versus used KV memory, in token slots. */
export interface WasteFigures {
  reservedTokens: number;
  usedTokens: number;
  /** `(reserved - used) / reserved`. */
  wasteFraction: number;
}

/** Waste of one allocation scheme, measured two ways. */
export interface SchemeWaste {
  /** Each request at its longest (its last step), summed over requests. */
  atPeak: WasteFigures;
  /** Summed over every step of every request (token-steps), so long reservations weigh more. */
  overLifetime: WasteFigures;
}

/** Contiguous pre-allocation against paging, on one trace. */
export interface WasteReport {
  numRequests: number;
  maxModelLen: number;
  blockSize: number;
  /** Each request reserves `maxModelLen` slots when admitted. */
  contiguous: SchemeWaste;
  /** Each request holds `ceil(tokens / blockSize)` blocks as it grows. */
  paged: SchemeWaste;
}

function figures(reserved: number, used: number): WasteFigures {
  return {
    reservedTokens: reserved,
    usedTokens: used,
    wasteFraction: reserved === 0 ? 0 : (reserved - used) / reserved,
  };
}

/**
 * KV memory reserved but unused when `trace` runs under contiguous pre-allocation to
 * `maxModelLen` and under paging with `blockSize`. A request runs one step per output token;
 * during step `k` (1 … output) it holds `prompt + k - 1` tokens; at its peak, `prompt + output`.
 */
export function measureWaste(
  trace: readonly TraceRequest[],
  options: { maxModelLen: number; blockSize: number },
): WasteReport {
  const { maxModelLen, blockSize } = options;
  checkInt("maxModelLen", maxModelLen, 1);
  checkInt("blockSize", blockSize, 1);
  const paged = (tokens: number) => Math.ceil(tokens / blockSize) * blockSize;
  let usedPeak = 0;
  let pagedPeak = 0;
  let usedLife = 0;
  let pagedLife = 0;
  let contiguousLife = 0;
  for (const { promptTokens: p, outputTokens: o } of trace) {
    checkInt("promptTokens", p, 1);
    checkInt("outputTokens", o, 1);
    if (p + o > maxModelLen) {
      throw new KVCacheError(
        "kv.invalid_argument",
        `a request of ${p} + ${o} tokens exceeds maxModelLen ${maxModelLen}`,
        {
          details: { promptTokens: p, outputTokens: o, maxModelLen },
        },
      );
    }
    usedPeak += p + o;
    pagedPeak += paged(p + o);
    for (let t = 0; t < o; t++) {
      usedLife += p + t;
      pagedLife += paged(p + t);
    }
    contiguousLife += o * maxModelLen;
  }
  return {
    numRequests: trace.length,
    maxModelLen,
    blockSize,
    contiguous: {
      atPeak: figures(trace.length * maxModelLen, usedPeak),
      overLifetime: figures(contiguousLife, usedLife),
    },
    paged: { atPeak: figures(pagedPeak, usedPeak), overLifetime: figures(pagedLife, usedLife) },
  };
}
