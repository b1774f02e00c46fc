import type { EngineInspection } from "@pagoda/engine";
import type { MetricsSnapshot } from "@pagoda/metrics";

/** One message of `GET /v1/engine/events`: what the engine holds and how it is doing. */
export interface EngineSnapshotEvent {
  /** Seconds since the feed started. */
  time: number;
  /** The block map, with the cache's element type and bytes when the server knows them (else null). */
  kv: EngineInspection["kv"] & { dtype: string | null; bytes: number | null };
  queues: { running: string[]; waiting: string[]; swapped: string[] };
  lastStep: EngineInspection["lastStep"];
  metrics: {
    numFinished: number;
    numRunning: number;
    numWaiting: number;
    ttftP50Ms: number | null;
    ttftP99Ms: number | null;
    tpotP50Ms: number | null;
    tpotP99Ms: number | null;
    /** Generated tokens per second over the last few seconds. */
    outputTokensPerSecond: number;
    /** The latest step on the roofline; null before one, or without a model shape and device. */
    roofline: {
      device: string;
      /** FLOP per byte of the latest step, and the device's ridge point. */
      arithmeticIntensity: number;
      ridgePoint: number;
      bound: "compute" | "memory";
    } | null;
    /** Speculative decoding since the start: null until a draft was verified (or when it is off). */
    specDecode?: {
      /** Accepted ÷ draft tokens. */
      acceptanceRate: number;
      /** Tokens a request gains per verifying step: 1 + accepted ÷ verifications. */
      meanAcceptanceLength: number;
      numDraftTokens: number;
    } | null;
  };
}

const ms = (seconds: number | null | undefined) => (seconds == null ? null : seconds * 1000);

/** Builds the event from an inspection and a metrics snapshot. */
export function engineSnapshot(
  time: number,
  view: EngineInspection,
  metrics: MetricsSnapshot,
  outputTokensPerSecond: number,
  cache: { dtype: string; bytes: number } | null = null,
): EngineSnapshotEvent {
  const { ttft, tpot } = metrics.latency;
  return {
    time,
    kv: { ...view.kv, dtype: cache?.dtype ?? null, bytes: cache?.bytes ?? null },
    queues: { running: view.running, waiting: view.waiting, swapped: view.swapped },
    lastStep: view.lastStep,
    metrics: {
      numFinished: metrics.requests.finished,
      numRunning: view.running.length,
      numWaiting: view.waiting.length,
      ttftP50Ms: ms(ttft.p50),
      ttftP99Ms: ms(ttft.p99),
      tpotP50Ms: ms(tpot.p50),
      tpotP99Ms: ms(tpot.p99),
      outputTokensPerSecond,
      roofline: roofline(metrics),
      specDecode: specDecode(metrics),
    },
  };
}

function specDecode(metrics: MetricsSnapshot): EngineSnapshotEvent["metrics"]["specDecode"] {
  const { acceptanceRate, meanAcceptanceLength, numDraftTokens } = metrics.specDecode;
  if (acceptanceRate === null || meanAcceptanceLength === null) return null;
  return { acceptanceRate, meanAcceptanceLength, numDraftTokens };
}

function roofline(metrics: MetricsSnapshot): EngineSnapshotEvent["metrics"]["roofline"] {
  const last = metrics.bottleneck?.last;
  if (last == null) return null;
  const { device, arithmeticIntensity, ridgePoint, bound } = last;
  return { device, arithmeticIntensity, ridgePoint, bound };
}
