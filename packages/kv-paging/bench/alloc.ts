// Allocator and prefix-cache throughput. Run: pnpm --filter @pagoda/kv-paging bench
import { BlockPool, hashBlockTokens, KVCacheManager, ROOT_BLOCK_HASH, seededRandom } from "../src/index.js";
import { human, opsPerSecond } from "./measure.js";

const rows: [string, string][] = [];
const report = (name: string, rate: number, unit: string) => {
  rows.push([name, `${human(rate)} ${unit}/s`]);
  console.log(`${name.padEnd(58)} ${human(rate).padStart(8)} ${unit}/s`);
};

// 1. BlockPool: one allocate + one release is one operation; batches of 64 like a request's table.
{
  const pool = new BlockPool({ numBlocks: 4096, blockSize: 16, enableCaching: false });
  const held = new Int32Array(64);
  const rounds = 100_000;
  report(
    "BlockPool allocate+release (never-cached blocks)",
    opsPerSecond(rounds * 64, () => {
      for (let r = 0; r < rounds; r++) {
        for (let i = 0; i < 64; i++) held[i] = pool.allocate();
        for (let i = 63; i >= 0; i--) pool.release(held[i] as number);
      }
    }),
    "op",
  );
}

// 2. Cache churn: every free block is cached, so each allocation evicts the least recently used
//    one; the block is then cached under a new hash and released onto the LRU list again.
{
  const numBlocks = 4096;
  const pool = new BlockPool({ numBlocks, blockSize: 16 });
  const tokens = new Int32Array(16);
  let n = 0;
  const cycle = () => {
    const id = pool.allocate();
    tokens[0] = n++;
    pool.cacheBlock(id, hashBlockTokens(ROOT_BLOCK_HASH, tokens, 0, 16, 0), -1, -1, tokens, 0);
    pool.release(id);
  };
  for (let i = 0; i < numBlocks; i++) cycle();
  const ops = 1_000_000;
  report(
    "BlockPool allocate (evicting LRU) + hash + cacheBlock + release",
    opsPerSecond(ops, () => {
      for (let i = 0; i < ops; i++) cycle();
    }),
    "op",
  );
  if (pool.numEvictableBlocks !== numBlocks - 1) throw new Error("every free block should be cached");
}

// 3. KVCacheManager: admit a 1,024-token request in one allocation, then free it (64 blocks each way).
{
  const kv = new KVCacheManager({ numBlocks: 4096, blockSize: 16, enablePrefixCaching: false });
  const rounds = 50_000;
  report(
    "KVCacheManager allocateSlots(1024 tokens) + free, in blocks",
    opsPerSecond(rounds * 64, () => {
      for (let r = 0; r < rounds; r++) {
        kv.allocateSlots("r", 1024);
        kv.free("r");
      }
    }),
    "block",
  );
}

// 4. Decode: 256 running requests each ask for one more slot per step.
{
  const kv = new KVCacheManager({ numBlocks: 65_536, blockSize: 16, enablePrefixCaching: false });
  const ids = Array.from({ length: 256 }, (_, i) => `r${i}`);
  const steps = 200;
  report(
    "KVCacheManager decode canAllocate+allocateSlots(1), 256 reqs",
    opsPerSecond(steps * ids.length, () => {
      for (const id of ids) kv.allocateSlots(id, 100);
      for (let s = 0; s < steps; s++) {
        for (const id of ids) if (kv.canAllocate(id, 1)) kv.allocateSlots(id, 1);
      }
      for (const id of ids) kv.free(id);
    }),
    "slot",
  );
}

// 5. Prefix lookups: 64 cached 2,048-token prompts; each lookup hashes and verifies 127 blocks.
{
  const kv = new KVCacheManager({ numBlocks: 16_384, blockSize: 16 });
  const random = seededRandom(5);
  const prompts = Array.from({ length: 64 }, () =>
    Array.from({ length: 2048 }, () => Math.floor(random() * 32_000)),
  );
  prompts.forEach((p, i) => {
    kv.allocateSlots(`p${i}`, p.length, { tokenIds: p });
  });
  const lookups = 2_000;
  let hitTokens = 0;
  const rate = opsPerSecond(lookups, () => {
    for (let i = 0; i < lookups; i++)
      hitTokens = kv.getComputedBlocks(prompts[i % 64] as number[]).numComputedTokens;
  });
  if (hitTokens !== 2032) throw new Error(`expected a 2,032-token hit, got ${hitTokens}`);
  report("getComputedBlocks, 2,048-token prompt fully cached", rate, "lookup");
  report("getComputedBlocks, same, in prompt tokens", rate * 2048, "token");
}

// 6. Prefix lookups that miss at the first block (a new prompt): the cost of asking.
{
  const kv = new KVCacheManager({ numBlocks: 1024, blockSize: 16 });
  kv.allocateSlots("other", 64, { tokenIds: Array.from({ length: 64 }, (_, i) => -i) });
  const prompt = Array.from({ length: 2048 }, (_, i) => i);
  const lookups = 500_000;
  report(
    "getComputedBlocks, miss on the first block",
    opsPerSecond(lookups, () => {
      for (let i = 0; i < lookups; i++) kv.getComputedBlocks(prompt);
    }),
    "lookup",
  );
}

console.log(`\n${process.version} on ${process.arch}, ${(await import("node:os")).cpus().length} cores`);
