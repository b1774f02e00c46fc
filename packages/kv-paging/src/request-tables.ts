import { KVCacheError } from "./errors.js";
import type { HashChain } from "./prefix-cache.js";

/** What the manager keeps per request. */
export interface RequestState {
  /** Device block ids, or host block ids while swapped out. */
  blockIds: number[];
  /** Token slots allocated: computed tokens plus those scheduled. */
  numTokens: number;
  swapped: boolean;
  /** `null` when prefix caching is off. */
  chain: HashChain | null;
}

/** The manager's requests by id, with the lookups that throw a coded error on misuse. */
export class RequestTables {
  private readonly byId = new Map<string, RequestState>();

  /** The state of `id`, or undefined. */
  find(id: string): RequestState | undefined {
    return this.byId.get(id);
  }

  /** The state of `id`; throws `kv.unknown_request`. */
  get(id: string): RequestState {
    const req = this.byId.get(id);
    if (req === undefined) {
      throw new KVCacheError("kv.unknown_request", `no KV cache table for request ${id}`, {
        details: { id },
      });
    }
    return req;
  }

  /** Adds `id`; throws `kv.request_exists` when it is taken. */
  add(id: string, state: RequestState): RequestState {
    if (this.byId.has(id)) {
      throw new KVCacheError("kv.request_exists", `request ${id} already exists`, { details: { id } });
    }
    this.byId.set(id, state);
    return state;
  }

  /** Forgets `id`. */
  delete(id: string): void {
    this.byId.delete(id);
  }

  /** Every request id. */
  ids(): string[] {
    return [...this.byId.keys()];
  }

  /**
   * The states of `ids`, which must be distinct, known, and swapped out (`swapped`) or on the
   * device (`!swapped`); throws `kv.invalid_argument`, `kv.unknown_request`,
   * `kv.request_swapped` or `kv.request_not_swapped`.
   */
  group(ids: string | readonly string[], swapped: boolean): RequestState[] {
    const list = typeof ids === "string" ? [ids] : ids;
    if (new Set(list).size !== list.length) {
      throw new KVCacheError("kv.invalid_argument", "a group names a request twice", {
        details: { ids: list },
      });
    }
    return list.map((id) => {
      const req = this.get(id);
      if (req.swapped !== swapped) {
        const [code, where] = swapped
          ? ["kv.request_not_swapped", "on the device"]
          : ["kv.request_swapped", "swapped out"];
        throw new KVCacheError(code, `request ${id} is ${where}`, { details: { id } });
      }
      return req;
    });
  }

  /** The state of `id`, which must be on the device. */
  onDevice(id: string): RequestState {
    return this.group(id, false)[0] as RequestState;
  }
}
