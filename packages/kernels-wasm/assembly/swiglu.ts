// out[r, j] = silu(gate[r, j]) · up[r, j] with input rows [gate (ffn) | up (ffn)];
// silu(g) = g / (1 + exp(−g)) in f32. Threads split the rows × ffn elements (elementwise, so
// any split gives the same bits).
import { argI, argU, splitStart } from "./common";

// args: gateUp, out, rows, ffn
export function swigluKernel(args: usize, thread: i32, threads: i32): void {
  const x = argU(args, 0);
  const out = argU(args, 1);
  const rows = argI(args, 2);
  const ffn = argI(args, 3);
  const total = rows * ffn;
  const e1 = splitStart(total, thread + 1, threads, 4);
  let e = splitStart(total, thread, threads, 4);
  while (e < e1) {
    const r = e / ffn;
    const j0 = e - r * ffn;
    const j1 = min(ffn, j0 + (e1 - e));
    const g = x + ((<usize>r * (<usize>ffn << 1)) << 2);
    const u = g + (<usize>ffn << 2);
    const o = out + ((<usize>r * ffn) << 2);
    for (let j = j0; j < j1; j++) {
      const gv = load<f32>(g + (<usize>j << 2));
      store<f32>(o + (<usize>j << 2), (gv / (<f32>1.0 + Mathf.exp(-gv))) * load<f32>(u + (<usize>j << 2)));
    }
    e += j1 - j0;
  }
}
