import { KVCacheManager } from "@pagoda/kv-paging";
import { greedyParams, Scheduler, type SchedulerOutput, type ExecutorOutput } from "/work/main/packages/scheduler/src/index.js";
const kv = new KVCacheManager({ numBlocks: 48_000, blockSize: 16 });
const s = new Scheduler({ kvCache: kv, maxNumBatchedTokens: 8192, maxNumSeqs: 256, policy: process.argv[2] ?? "fcfs" });
for (let i = 0; i < 2256; i++) s.addRequest({ requestId: `r${i}`, promptTokenIds: Array.from({length:128},(_, j)=>1+((i*7919+j*104729)%30000)), params: greedyParams(4096) });
const lens = new Map<string, number>(); const comp = new Map<string, number>();
function exec(out: SchedulerOutput): ExecutorOutput {
  for (const r of out.scheduledNewReqs) { lens.set(r.requestId, r.tokenIds.length); comp.set(r.requestId, r.numComputedTokens); }
  for (const r of out.scheduledCachedReqs) comp.set(r.requestId, r.numComputedTokens);
  const sampled: Record<string, number[]> = {};
  for (const id in out.numScheduledTokens) { const end = comp.get(id)! + out.numScheduledTokens[id]!; const len = lens.get(id)!; if (end === len) { sampled[id] = [1 + end % 1000]; lens.set(id, len + 1); } }
  return { sampledTokenIds: sampled, logprobs: {} };
}
for (let i = 0; i < 50; i++) { const o = s.schedule(); s.update(o, exec(o)); }
let ts = 0, tu = 0;
const N = 3000;
for (let i = 0; i < N; i++) { const t0 = process.cpuUsage(); const o = s.schedule(); const t1 = process.cpuUsage(t0); const r = exec(o); const t2 = process.cpuUsage(); s.update(o, r); const t3 = process.cpuUsage(t2); ts += (t1.user + t1.system)/1000; tu += (t3.user+t3.system)/1000; }
console.log("schedule", (ts / N * 1000).toFixed(1), "us; update", (tu / N * 1000).toFixed(1), "us");
