import type { RequestView } from "../request.js";
import { checkKnownOptions, numberOption, type PolicyOptions, weightsOption } from "./options.js";
import { byArrival, lastInOrder, type SchedulingPolicy } from "./policy.js";

/** Options of {@link FairPolicy}. */
export interface FairPolicyOptions {
  /** tenant -> weight (default 1): a tenant of weight 2 is owed twice the service. */
  weights?: Readonly<Record<string, number>>;
  /** Cost of one prompt (or recomputed) token (default 1). */
  inputTokenCost?: number;
  /** Cost of one generated token (default 2: decode is the dearer phase per token). */
  outputTokenCost?: number;
}

/**
 * Per-tenant fairness with a Virtual Token Counter (Sheng et al., "Fairness in Serving Large
 * Language Models", OSDI '24): each tenant's counter adds the weighted cost of the tokens it was
 * served; the queue serves the tenant with the smallest counter, FIFO within a tenant; the
 * tenant with the largest counter is preempted first. A tenant that comes back after being idle
 * is lifted to the smallest counter of the active tenants, so it cannot bank credit.
 *
 * Starvation bound: a waiting request's tenant is served as soon as its counter is the
 * smallest; counters only grow while served and every step serves at least one token, so the
 * other tenants catch up after at most (counter gap x number of tenants) units of service.
 */
export class FairPolicy implements SchedulingPolicy {
  readonly name = "fair";
  private readonly counters = new Map<string, number>();
  private readonly active = new Map<string, number>();
  private readonly weights: ReadonlyMap<string, number>;
  private readonly inputCost: number;
  private readonly outputCost: number;

  constructor(options: FairPolicyOptions = {}) {
    const opts: PolicyOptions = { ...options };
    this.weights = weightsOption(opts, "weights");
    this.inputCost = numberOption(opts, "inputTokenCost", 1);
    this.outputCost = numberOption(opts, "outputTokenCost", 2);
  }

  /** The tenant's weighted service so far. */
  counter(tenant: string): number {
    return this.counters.get(tenant) ?? 0;
  }

  compareWaiting(a: RequestView, b: RequestView): number {
    return this.counter(a.tenant) - this.counter(b.tenant) || byArrival(a, b);
  }

  /** One queue per tenant: FIFO inside never changes, so moving counters need no rebuild. */
  groupOf(request: RequestView): string {
    return request.tenant;
  }

  pickVictim(candidates: readonly RequestView[]): RequestView {
    return lastInOrder(candidates, (a, b) => this.compareWaiting(a, b));
  }

  onArrival(request: RequestView): void {
    const n = this.active.get(request.tenant) ?? 0;
    if (n === 0) {
      let least = Number.POSITIVE_INFINITY;
      for (const tenant of this.active.keys()) least = Math.min(least, this.counter(tenant));
      if (least !== Number.POSITIVE_INFINITY && least > this.counter(request.tenant)) {
        this.counters.set(request.tenant, least);
      }
    }
    this.active.set(request.tenant, n + 1);
  }

  onTokensServed(request: RequestView, numComputed: number, numSampled: number): void {
    const cost = Math.max(0, numComputed - numSampled) * this.inputCost + numSampled * this.outputCost;
    if (cost === 0) return;
    const weight = this.weights.get(request.tenant) ?? 1;
    this.counters.set(request.tenant, this.counter(request.tenant) + cost / weight);
  }

  onFinished(request: RequestView): void {
    const n = (this.active.get(request.tenant) ?? 1) - 1;
    if (n > 0) this.active.set(request.tenant, n);
    else this.active.delete(request.tenant);
  }
}

/** Factory for the registry: options as {@link FairPolicyOptions}. */
export function createFairPolicy(options: PolicyOptions = {}): FairPolicy {
  checkKnownOptions("fair", options, ["weights", "inputTokenCost", "outputTokenCost"]);
  return new FairPolicy(options as FairPolicyOptions);
}
