// out[r, j] = silu(gate[r, j]) · up[r, j] with input rows [gate (ffn) | up (ffn)];
// silu(g) = g / (1 + exp(−g)) in f32, exp from ./exp (four lanes at a time, its scalar twin for
// the tail: the same bits). Threads split the rows × ffn elements (elementwise, so any split
// gives the same bits).
import { argI, argU, splitStart } from "./common";
import { expF32, expF32x4 } from "./exp";

// args: gateUp, out, rows, ffn
export function swigluKernel(args: usize, thread: i32, threads: i32): void {
  const x = argU(args, 0);
  const out = argU(args, 1);
  const rows = argI(args, 2);
  const ffn = argI(args, 3);
  const total = rows * ffn;
  const e1 = splitStart(total, thread + 1, threads, 4);
  let e = splitStart(total, thread, threads, 4);
  const one = f32x4.splat(1);
  while (e < e1) {
    const r = e / ffn;
    const j0 = e - r * ffn;
    const j1 = min(ffn, j0 + (e1 - e));
    const g = x + ((<usize>r * (<usize>ffn << 1)) << 2);
    const u = g + (<usize>ffn << 2);
    const o = out + ((<usize>r * ffn) << 2);
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      const off = <usize>j << 2;
      const gv = v128.load(g + off);
      const silu = f32x4.div(gv, f32x4.add(one, expF32x4(f32x4.neg(gv))));
      v128.store(o + off, f32x4.mul(silu, v128.load(u + off)));
    }
    for (; j < j1; j++) {
      const off = <usize>j << 2;
      const gv = load<f32>(g + off);
      store<f32>(o + off, (gv / (<f32>1.0 + expF32(-gv))) * load<f32>(u + off));
    }
    e += j1 - j0;
  }
}
