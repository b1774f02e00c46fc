import { type BlockHasher, type ExtraKeys, extraKeysId, hashString, ROOT_BLOCK_HASH } from "./block-hash.js";
import { type BlockPool, NO_BLOCK } from "./block-pool.js";

/**
 * Where a request's hash chain stands: how many of its leading full blocks have been hashed,
 * and the cached block (and that block's entry id) the next one chains from. `lastEntry` is a
 * negative namespace id before the first block, and 0 once the chain is broken (a block could
 * not be cached), after which the request caches nothing more.
 */
export interface HashChain {
  numHashedBlocks: number;
  lastHash: number;
  lastBlock: number;
  lastEntry: number;
  readonly extraHash: number;
}

/**
 * Automatic prefix caching over a {@link BlockPool}: turns token ids into chained block hashes,
 * finds the longest cached prefix and registers a request's blocks as they fill. Each distinct
 * {@link ExtraKeys} value is a namespace with its own root, so blocks are never shared across
 * models, adapters or cache salts, even on a hash collision.
 */
export class PrefixCache {
  private readonly namespaces = new Map<string, number>();

  constructor(
    private readonly pool: BlockPool,
    private readonly hasher: BlockHasher,
  ) {}

  /** A chain at position 0 in the namespace of `extraKeys`. */
  startChain(extraKeys?: ExtraKeys): HashChain {
    const key = extraKeysId(extraKeys);
    let ns = this.namespaces.get(key);
    if (ns === undefined) {
      ns = this.namespaces.size + 1;
      this.namespaces.set(key, ns);
    }
    return {
      numHashedBlocks: 0,
      lastHash: ROOT_BLOCK_HASH,
      lastBlock: NO_BLOCK,
      lastEntry: -ns,
      extraHash: hashString(key),
    };
  }

  /** The cached blocks that hold the longest prefix of `tokenIds`, at most `maxBlocks` of them. */
  findPrefix(tokenIds: ArrayLike<number>, maxBlocks: number, extraKeys?: ExtraKeys): number[] {
    const found: number[] = [];
    const key = extraKeysId(extraKeys);
    const ns = this.namespaces.get(key);
    if (ns === undefined || !this.pool.enableCaching) return found;
    const blockSize = this.pool.blockSize;
    const extraHash = hashString(key);
    let hash = ROOT_BLOCK_HASH;
    let entry = -ns;
    for (let start = 0; found.length < maxBlocks; start += blockSize) {
      hash = this.hasher(hash, tokenIds, start, start + blockSize, extraHash);
      const id = this.pool.findCached(hash, entry, tokenIds, start);
      if (id === NO_BLOCK) break;
      found.push(id);
      entry = this.pool.entryId(id);
    }
    return found;
  }

  /** Registers `blockIds[chain.numHashedBlocks, numFullBlocks)` (full, with known tokens) in the cache. */
  extend(
    chain: HashChain,
    blockIds: readonly number[],
    tokenIds: ArrayLike<number>,
    numFullBlocks: number,
  ): void {
    const blockSize = this.pool.blockSize;
    for (let i = chain.numHashedBlocks; i < numFullBlocks; i++) {
      chain.numHashedBlocks = i + 1;
      if (chain.lastEntry === 0) continue;
      const start = i * blockSize;
      const hash = this.hasher(chain.lastHash, tokenIds, start, start + blockSize, chain.extraHash);
      const id = this.pool.cacheBlock(
        blockIds[i] as number,
        hash,
        chain.lastBlock,
        chain.lastEntry,
        tokenIds,
        start,
      );
      chain.lastHash = hash;
      chain.lastBlock = id;
      chain.lastEntry = id === NO_BLOCK ? 0 : this.pool.entryId(id);
    }
  }
}
