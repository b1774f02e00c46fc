import { broken } from "./errors.js";
import type { SchedulerRequest } from "./request.js";

/** Orders requests: negative when `a` is served before `b`. */
export type RequestOrder = (a: SchedulerRequest, b: SchedulerRequest) => number;

/**
 * A binary min-heap of requests with each request's position kept in `queueIndex`, so that
 * removing any request (an abort, an admission) is O(log n) like adding and taking the head.
 */
export class RequestHeap {
  private readonly heap: SchedulerRequest[] = [];

  constructor(private readonly order: RequestOrder) {}

  get size(): number {
    return this.heap.length;
  }

  /** The first request in order, or `undefined` when empty. */
  peek(): SchedulerRequest | undefined {
    return this.heap[0];
  }

  push(request: SchedulerRequest): void {
    if (request.queueIndex !== -1) broken(`request ${request.requestId} is already queued`);
    request.queueIndex = this.heap.length;
    this.heap.push(request);
    this.up(request.queueIndex);
  }

  /** Removes `request`, which must be in this heap. */
  remove(request: SchedulerRequest): void {
    const i = request.queueIndex;
    if (this.heap[i] !== request) broken(`request ${request.requestId} is not in this queue`);
    const last = this.heap.pop() as SchedulerRequest;
    request.queueIndex = -1;
    if (last === request) return;
    this.heap[i] = last;
    last.queueIndex = i;
    this.down(this.up(i));
  }

  /** Rebuilds the heap in O(n) after the order changed. */
  reorder(): void {
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private up(i: number): number {
    const item = this.heap[i] as SchedulerRequest;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = this.heap[parent] as SchedulerRequest;
      if (this.order(item, p) >= 0) break;
      this.place(p, i);
      i = parent;
    }
    this.place(item, i);
    return i;
  }

  private down(i: number): void {
    const n = this.heap.length;
    const item = this.heap[i] as SchedulerRequest;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (
        right < n &&
        this.order(this.heap[right] as SchedulerRequest, this.heap[child] as SchedulerRequest) < 0
      ) {
        child = right;
      }
      const c = this.heap[child] as SchedulerRequest;
      if (this.order(c, item) >= 0) break;
      this.place(c, i);
      i = child;
    }
    this.place(item, i);
  }

  private place(request: SchedulerRequest, i: number): void {
    this.heap[i] = request;
    request.queueIndex = i;
  }
}
