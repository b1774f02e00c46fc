import type { Logger } from "pino";
import type { Generation } from "../generation/generation.js";
import type { AbortReason } from "../state/server-state.js";

/**
 * One request's access-log line, filled in as the request goes and written once when it ends:
 * right after the handler, or, for a streamed answer, when the stream closes.
 */
export class AccessRecord {
  private readonly start = performance.now();
  private generation: Generation | null = null;
  private streamed = false;
  private written = false;

  constructor(
    readonly requestId: string,
    private readonly method: string,
    private readonly path: string,
    private readonly logger: Logger,
  ) {}

  /** True once the route handed the line to a stream (see {@link deferToStream}). */
  get deferred(): boolean {
    return this.streamed;
  }

  /** Takes token counts, TTFT and an abort reason from `generation` when the line is written. */
  attach(generation: Generation): void {
    this.generation = generation;
  }

  /** The answer is a stream: the line waits for {@link end} from the stream's close. */
  deferToStream(): void {
    this.streamed = true;
  }

  /** Writes the line (once). */
  end(status: number): void {
    if (this.written) return;
    this.written = true;
    const now = performance.now();
    const g = this.generation;
    const usage = g?.usage();
    const aborted: AbortReason | null = g?.abortedBy ?? null;
    this.logger.info(
      {
        reqId: this.requestId,
        method: this.method,
        path: this.path,
        status,
        promptTokens: usage?.promptTokens ?? null,
        completionTokens: usage?.completionTokens ?? null,
        ttftMs: g?.firstTokenAt == null ? null : round(g.firstTokenAt - this.start),
        durationMs: round(now - this.start),
        ...(aborted !== null && { aborted }),
      },
      "request",
    );
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
