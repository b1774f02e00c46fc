import type { FinishReason } from "../events.js";
import type { FinishedRequest } from "./finished-request.js";

/** What the recorder keeps of a request in flight; NaN marks a moment not reached yet. */
export interface RequestState {
  readonly arrivalTime: number;
  readonly numPromptTokens: number;
  /** Samples asked for (`n`). */
  readonly n: number;
  firstScheduledTime: number;
  firstTokenTime: number;
  lastTokenTime: number;
  /** The latest event time, so that events running backwards in time are caught. */
  lastEventTime: number;
  numGenerationTokens: number;
  numPreemptions: number;
}

/** A fresh state for a request that arrived at `time`. */
export function newRequestState(time: number, numPromptTokens: number, n: number): RequestState {
  return {
    arrivalTime: time,
    numPromptTokens,
    n,
    firstScheduledTime: Number.NaN,
    firstTokenTime: Number.NaN,
    lastTokenTime: Number.NaN,
    lastEventTime: time,
    numGenerationTokens: 0,
    numPreemptions: 0,
  };
}

const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);

/** The timings of a request that finished at `time` for `reason`. */
export function finishedRequest(
  requestId: string,
  s: RequestState,
  time: number,
  reason: FinishReason,
): FinishedRequest {
  const decode = s.lastTokenTime - s.firstTokenTime;
  return {
    requestId,
    reason,
    numPromptTokens: s.numPromptTokens,
    n: s.n,
    numGenerationTokens: s.numGenerationTokens,
    numPreemptions: s.numPreemptions,
    arrivalTime: s.arrivalTime,
    finishTime: time,
    e2eSeconds: time - s.arrivalTime,
    queueSeconds: orNull(s.firstScheduledTime - s.arrivalTime),
    ttftSeconds: orNull(s.firstTokenTime - s.arrivalTime),
    prefillSeconds: orNull(s.firstTokenTime - s.firstScheduledTime),
    decodeSeconds: orNull(decode),
    inferenceSeconds: orNull(s.lastTokenTime - s.firstScheduledTime),
    tpotSeconds: s.numGenerationTokens >= 2 ? decode / (s.numGenerationTokens - 1) : null,
  };
}
