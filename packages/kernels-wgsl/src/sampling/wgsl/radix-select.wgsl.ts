/**
 * WGSL of a workgroup radix select over u32 keys, 4 bits a pass (8 passes). The including kernel
 * defines `fn sel_item(i: u32) -> SelItem` (the key, weight and participation of element i) and
 * calls `radix_select(lid, n, goal, fraction)`, which returns the largest key K such that the
 * participating elements with key ≥ K weigh at least `goal` (a share of the total weight when
 * `fraction`). With weight 1 that is the k-th largest key (exact: f32 counts are exact below
 * 2^24); with weight exp(z − max) it is the top-p cut. Afterwards `selAbove` holds the weight of
 * keys > K and `selAt` the weight of keys = K.
 *
 * Each invocation sums its elements into 16 digit bins held as four vec4 (selects, no dynamic
 * indexing into a private array); 16 invocations add up one digit each over all invocations
 * in a fixed order, and then every invocation picks the digit itself from the same 16 totals:
 * two barriers a pass, and the result is identical across the workgroup. Call it from one site
 * per kernel: every call site is inlined.
 */
export const RADIX_SELECT_WGSL = /* wgsl */ `
struct SelItem { key: u32, weight: f32, ok: bool }

var<workgroup> selBins: array<vec4f, 4u * WG>;
var<workgroup> selTot: array<f32, 16>;
var<private> selAbove: f32;
var<private> selAt: f32;

fn radix_select(lid: u32, n: u32, goal0: f32, fraction: bool) -> u32 {
  var prefix = 0u;
  var goal = goal0;
  var above = 0.0;
  let zero = vec4f(0.0);
  for (var level = 0u; level < 8u; level++) {
    let shift = 28u - 4u * level;
    var b0 = zero;
    var b1 = zero;
    var b2 = zero;
    var b3 = zero;
    for (var i = lid; i < n; i += WG) {
      let it = sel_item(i);
      if (it.ok && (level == 0u || (it.key >> (shift + 4u)) == (prefix >> (shift + 4u)))) {
        let d = vec4u((it.key >> shift) & 15u);
        let w = vec4f(it.weight);
        b0 += select(zero, w, d == vec4u(0u, 1u, 2u, 3u));
        b1 += select(zero, w, d == vec4u(4u, 5u, 6u, 7u));
        b2 += select(zero, w, d == vec4u(8u, 9u, 10u, 11u));
        b3 += select(zero, w, d == vec4u(12u, 13u, 14u, 15u));
      }
    }
    selBins[lid] = b0;
    selBins[WG + lid] = b1;
    selBins[2u * WG + lid] = b2;
    selBins[3u * WG + lid] = b3;
    workgroupBarrier();
    if (lid < 16u) {
      var t = 0.0;
      for (var j = 0u; j < WG; j++) { t += selBins[(lid / 4u) * WG + j][lid % 4u]; }
      selTot[lid] = t;
    }
    workgroupBarrier();
    if (level == 0u && fraction) {
      var total = 0.0;
      for (var d = 0u; d < 16u; d++) { total += selTot[d]; }
      goal = goal * total;
    }
    var chosen = 16u;
    var chosenAbove = above;
    var acc = above;
    for (var k = 0u; k < 16u; k++) {
      let d = 15u - k;
      let t = selTot[d];
      if (t > 0.0) {
        // Remember the lowest non-empty digit: the pick when rounding leaves the goal unmet.
        chosen = d;
        chosenAbove = acc;
        if (acc + t >= goal) { break; }
      }
      acc += t;
    }
    chosen = select(chosen, 0u, chosen == 16u);
    above = chosenAbove;
    prefix = prefix | (chosen << shift);
    selAt = selTot[chosen];
  }
  selAbove = above;
  return prefix;
}
`;
