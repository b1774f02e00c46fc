// out[t, :] = table[ids[t], :] as f32, for a [vocab, hidden] table of any weight type.
// Threads split tokens.
import { argI, argU, splitStart } from "./common";
import { rowBytes, unpackRow } from "./weights";

// args: ids, table, weightType, out, numTokens, hidden
export function embedKernel(args: usize, thread: i32, threads: i32): void {
  const ids = argU(args, 0);
  const table = argU(args, 1);
  const type = argI(args, 2);
  const out = argU(args, 3);
  const numTokens = argI(args, 4);
  const hidden = argI(args, 5);
  const rb = rowBytes(type, hidden);
  const t1 = splitStart(numTokens, thread + 1, threads, 1);
  for (let t = splitStart(numTokens, thread, threads, 1); t < t1; t++) {
    const id = load<i32>(ids + (<usize>t << 2));
    unpackRow(type, table + <usize>id * rb, out + ((<usize>t * hidden) << 2), hidden);
  }
}
