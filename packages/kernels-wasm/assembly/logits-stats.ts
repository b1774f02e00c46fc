// Per row of logits [rows, vocab] (rows `stride` floats apart): the max, the log-sum-exp
// (max + ln Σ exp(x − max), the sum in f64) and the argmax (first index of the max).
// Threads split rows. NaN logits give unspecified results.
import { argI, argU, splitStart } from "./common";

// args: logits, rows, vocab, stride, stats (f32 [rows, 2]: max, lse), argmax (i32 [rows])
export function logitsStatsKernel(args: usize, thread: i32, threads: i32): void {
  const logits = argU(args, 0);
  const rows = argI(args, 1);
  const vocab = argI(args, 2);
  const rowBytes = argU(args, 3) << 2;
  const stats = argU(args, 4);
  const argmax = argU(args, 5);
  const r1 = splitStart(rows, thread + 1, threads, 1);
  for (let r = splitStart(rows, thread, threads, 1); r < r1; r++) {
    const x = logits + <usize>r * rowBytes;
    const m = rowMax(x, vocab);
    let best = 0;
    while (load<f32>(x + (<usize>best << 2)) != m && best < vocab - 1) best++;
    let sum: f64 = 0;
    for (let i = 0; i < vocab; i++) sum += <f64>Mathf.exp(load<f32>(x + (<usize>i << 2)) - m);
    store<f32>(stats + ((<usize>r << 1) << 2), m);
    store<f32>(stats + ((<usize>r << 1) << 2), <f32>(<f64>m + Math.log(sum)), 4);
    store<i32>(argmax + (<usize>r << 2), best);
  }
}

function rowMax(x: usize, n: i32): f32 {
  let mv = f32x4.splat(-Infinity);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) mv = f32x4.max(mv, v128.load(x + (<usize>i << 2)));
  let m = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
  for (; i < n; i++) m = max(m, load<f32>(x + (<usize>i << 2)));
  return m;
}
