import type { KvSnapshot } from "../api/snapshot.js";

/** What the cache holds, for the block map's heading: " · f16 · 3.0 MiB", or "" when unknown. */
export function cacheText(kv: Pick<KvSnapshot, "dtype" | "bytes">): string {
  if (kv.dtype == null || kv.bytes == null) return "";
  const mib = kv.bytes / 2 ** 20;
  return ` · ${kv.dtype} · ${mib >= 10 ? mib.toFixed(0) : mib.toFixed(1)} MiB`;
}
