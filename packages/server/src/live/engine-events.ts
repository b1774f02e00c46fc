import type { MetricsRecorder } from "@pagoda/metrics";
import type { Logger } from "pino";
import type { ServerState } from "../state/server-state.js";
import { engineSnapshot } from "./engine-snapshot.js";
import { TokenRate } from "./token-rate.js";

/** Receives each snapshot as JSON text, or `null` when the feed ends (the server is draining). */
export type SnapshotListener = (json: string | null) => void;

/** Timing of an {@link EngineEvents} feed. */
export interface EngineEventsOptions {
  /** How often the engine is inspected while someone listens; default 100 ms (10 per second). */
  intervalMs?: number;
  /** A snapshot is sent at least this often even when nothing changed; default 2 s. */
  heartbeatMs?: number;
}

/**
 * The live feed behind `GET /v1/engine/events`: while at least one client listens, inspects the
 * engine about ten times a second and sends a snapshot to everyone when anything changed (or as
 * a heartbeat). One poll serves all listeners, and nothing runs when nobody listens.
 */
export class EngineEvents {
  private readonly listeners = new Set<SnapshotListener>();
  private readonly rate = new TokenRate();
  private readonly start = performance.now();
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private lastKey = "";
  private lastJson: string | null = null;
  private lastSent = 0;

  constructor(
    private readonly state: ServerState,
    private readonly metrics: MetricsRecorder,
    private readonly logger: Logger,
    private readonly options: EngineEventsOptions = {},
  ) {}

  /** Adds a listener (it gets the latest snapshot at once, if any); returns its removal. */
  subscribe(listener: SnapshotListener): () => void {
    this.listeners.add(listener);
    if (this.lastJson !== null) listener(this.lastJson);
    this.timer ??= setInterval(() => void this.poll(), this.options.intervalMs ?? 100);
    void this.poll();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  private async poll(): Promise<void> {
    if (this.polling) return; // a slow inspection (a busy worker) is not stacked up
    if (this.state.phase === "draining") return this.end();
    const model = this.state.servedModel;
    if (model === null) return;
    this.polling = true;
    try {
      const view = await model.engine.inspect();
      const now = performance.now();
      const metrics = this.metrics.snapshot();
      const time = (now - this.start) / 1000;
      const rate = this.rate.update(time, metrics.requests.generationTokens);
      const event = engineSnapshot(time, view, metrics, rate, model.kvCache ?? null);
      const { time: _, ...rest } = event;
      const key = JSON.stringify(rest);
      if (key === this.lastKey && now - this.lastSent < (this.options.heartbeatMs ?? 2000)) return;
      this.lastKey = key;
      this.lastSent = now;
      this.lastJson = JSON.stringify(event);
      for (const l of this.listeners) l(this.lastJson);
    } catch (err) {
      // The engine may be closing under us; the next poll tries again, and drain ends the feed.
      this.logger.debug({ err }, "engine events: inspection failed");
    } finally {
      this.polling = false;
    }
  }

  private end(): void {
    for (const l of this.listeners) l(null);
    this.listeners.clear();
    this.stop();
  }

  private stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
