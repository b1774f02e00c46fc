import { KVCacheManager } from "@pagoda/kv-paging";
const kv = new KVCacheManager({ numBlocks: 48_000, blockSize: 16 });
const toks: number[][] = [];
for (let i = 0; i < 256; i++) { const t = Array.from({length:128},(_, j)=>1+((i*7919+j*104729)%30000)); toks.push(t); kv.allocateSlots(`r${i}`, 128, { tokenIds: t }); }
let tot = 0; const N = 2000;
for (let s = 0; s < N; s++) {
  for (let i = 0; i < 256; i++) toks[i]!.push(5);
  const t0 = process.cpuUsage();
  for (let i = 0; i < 256; i++) kv.allocateSlots(`r${i}`, 1, { tokenIds: toks[i]! });
  const t = process.cpuUsage(t0); tot += t.user + t.system;
}
console.log("256 decode allocations:", (tot / N).toFixed(1), "us");
