import { type PolicyOptions, registerPolicy } from "../policies/index.js";
import { byArrival, lastInOrder, type SchedulingPolicy } from "../policies/policy.js";
import type { RequestView } from "../request.js";

// The README's user-defined policy, kept here so that tests run it (and the conformance suite
// checks it like the built-ins).

/** VIP tenants go first, unless a regular request has waited `boostMs` longer. */
export class VipFirstPolicy implements SchedulingPolicy {
  readonly name = "vip-first";

  constructor(
    private readonly vips: ReadonlySet<string>,
    private readonly boostMs: number,
  ) {}

  // A fixed key per request (so the queue is a heap that is never re-sorted): a VIP counts as
  // if it had arrived boostMs earlier. A regular request is overtaken only by VIP requests that
  // arrive less than boostMs after it: that is the starvation bound.
  private key(r: RequestView): number {
    return r.arrivalTime - (this.vips.has(r.tenant) ? this.boostMs : 0);
  }

  compareWaiting(a: RequestView, b: RequestView): number {
    return this.key(a) - this.key(b) || byArrival(a, b);
  }

  pickVictim(candidates: readonly RequestView[]): RequestView {
    return lastInOrder(candidates, (a, b) => this.compareWaiting(a, b));
  }
}

/** Registers `vip-first` (options: `vips: string[]`, `boostMs: number`). */
export function registerVipFirst(): void {
  registerPolicy("vip-first", (options: PolicyOptions) => {
    const vips = new Set(Array.isArray(options.vips) ? options.vips.map(String) : []);
    const boostMs = typeof options.boostMs === "number" ? options.boostMs : 5_000;
    return new VipFirstPolicy(vips, boostMs);
  });
}
