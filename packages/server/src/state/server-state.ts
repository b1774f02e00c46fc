import type { ChatTemplate } from "@pagoda/model-loaders";
import { HttpError } from "../errors/http-error.js";
import { ServerError } from "../errors/server-error.js";
import { resolveChatTemplate, type ServedModel } from "./served-model.js";

/** Where a server is in its life: weights loading, serving, or shutting down. */
export type ServerPhase = "loading" | "ready" | "draining";

/** Why a generation was cut short. */
export type AbortReason = "disconnect" | "shutdown";

/** Something in flight that shutdown can wait for and, past the grace period, abort. */
export interface InFlight {
  /** Settles when the work has ended, however it ended. */
  readonly done: Promise<void>;
  abort(reason: AbortReason): void;
}

/** A {@link ServedModel} with the chat template chat renders with (override applied). */
export interface ActiveModel extends ServedModel {
  readonly template: ChatTemplate | null;
}

/**
 * The server's phase (loading → ready → draining) and the generations in flight. Routes ask it
 * for the model, which throws the right 503 while loading or draining; shutdown drains it.
 *
 * @example
 * const state = new ServerState();      // loading: /health and /v1/* answer 503
 * state.ready(servedModel);             // serving
 * state.drain();                        // new requests get 503; in-flight ones go on
 * await state.idle();
 */
export class ServerState {
  private current: ServerPhase = "loading";
  private active: ActiveModel | null = null;
  private readonly inFlight = new Set<InFlight>();
  private readonly waiters: Array<() => void> = [];

  /** @param chatTemplateOverride the text of `--chat-template FILE`, used instead of the model's. */
  constructor(private readonly chatTemplateOverride: string | null = null) {}

  /** The phase now. */
  get phase(): ServerPhase {
    return this.current;
  }

  /** Generations in flight. */
  get numInFlight(): number {
    return this.inFlight.size;
  }

  /** The model being served, or `null` while loading. */
  get servedModel(): ActiveModel | null {
    return this.active;
  }

  /**
   * Starts serving `model`. Throws `tokenizer.chat_template` when the override does not parse,
   * and `server.bad_state` when called twice or after draining began.
   */
  ready(model: ServedModel): void {
    if (this.current !== "loading") {
      throw new ServerError("server.bad_state", `ready() called while the server is ${this.current}`);
    }
    this.active = { ...model, template: resolveChatTemplate(model, this.chatTemplateOverride) };
    this.current = "ready";
  }

  /** Stops taking new work: from now on {@link model} throws `server.draining`. */
  drain(): void {
    this.current = "draining";
  }

  /** The model for a new request; throws the 503 `server.not_ready` or `server.draining`. */
  model(): ActiveModel {
    if (this.current === "draining") {
      throw new HttpError("server.draining", "the server is shutting down and takes no new requests");
    }
    if (this.active === null) {
      throw new HttpError("server.not_ready", "the model is still loading; retry shortly", {
        details: { retryAfterS: 5 },
      });
    }
    return this.active;
  }

  /** Registers work in flight until its `done` settles. */
  track(work: InFlight): void {
    this.inFlight.add(work);
    const untrack = () => {
      this.inFlight.delete(work);
      if (this.inFlight.size === 0) for (const w of this.waiters.splice(0)) w();
    };
    work.done.then(untrack, untrack);
  }

  /** Aborts everything in flight (shutdown past its grace period). */
  abortAll(reason: AbortReason = "shutdown"): void {
    for (const work of this.inFlight) work.abort(reason);
  }

  /** Resolves once nothing is in flight. */
  idle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
