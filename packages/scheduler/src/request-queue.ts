import type { SchedulerRequest } from "./request.js";
import { RequestHeap, type RequestOrder } from "./request-heap.js";

export type { RequestOrder } from "./request-heap.js";

/**
 * The waiting (or swapped) requests in a policy's order. Without groups it is one heap:
 * adding, removing and taking the head are O(log n), so 2,000 waiting requests are never
 * re-sorted per step. With `groupOf` (a fair policy's tenants) it keeps one heap per group and
 * compares only the group heads, so an order that moves between groups from step to step
 * (service counters) costs no rebuild; only the order inside a group must stay fixed.
 */
export class RequestQueue {
  private readonly single: RequestHeap | null;
  private readonly groups = new Map<string, RequestHeap>();
  private count = 0;

  constructor(
    private readonly order: RequestOrder,
    private readonly groupOf?: (request: SchedulerRequest) => string,
  ) {
    this.single = groupOf === undefined ? new RequestHeap(order) : null;
  }

  get size(): number {
    return this.count;
  }

  /** The request served next, or `undefined` when empty. */
  peek(): SchedulerRequest | undefined {
    if (this.single !== null) return this.single.peek();
    let best: SchedulerRequest | undefined;
    for (const heap of this.groups.values()) {
      const head = heap.peek() as SchedulerRequest;
      if (best === undefined || this.order(head, best) < 0) best = head;
    }
    return best;
  }

  push(request: SchedulerRequest): void {
    this.heapFor(request, true).push(request);
    this.count++;
  }

  /** Removes `request` (which must be in this queue). */
  remove(request: SchedulerRequest): void {
    const heap = this.heapFor(request, false);
    heap.remove(request);
    this.count--;
    if (heap.size === 0 && this.groupOf !== undefined) this.groups.delete(this.groupOf(request));
  }

  /** Rebuilds the order after it changed (a policy's `reorderWaiting`). */
  reorder(): void {
    if (this.single !== null) this.single.reorder();
    for (const heap of this.groups.values()) heap.reorder();
  }

  private heapFor(request: SchedulerRequest, create: boolean): RequestHeap {
    if (this.single !== null) return this.single;
    const key = (this.groupOf as (r: SchedulerRequest) => string)(request);
    let heap = this.groups.get(key);
    if (heap === undefined) {
      heap = new RequestHeap(this.order);
      if (create) this.groups.set(key, heap);
    }
    return heap;
  }
}
