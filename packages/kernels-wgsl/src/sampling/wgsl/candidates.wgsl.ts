/**
 * WGSL that narrows a top-k (k ≤ WG) to a few candidates in one pass over the row instead of a
 * radix select over all of it. The k-th largest of the WG per-invocation maxima is a lower bound
 * on the row's k-th largest value (k different invocations each hold an element at least that
 * large), so every element of the top k is ≥ it. Each invocation keeps up to CAND_SLOTS of its
 * elements ≥ the bound in its own slots — a layout fixed by the invocation order, so sums over
 * the candidates are reproducible. If any invocation has more (heavy ties), `cand_finish`
 * reports an overflow and the caller works on the whole row instead.
 *
 * Candidate d (0 ≤ d < CAND_SLOTS·WG) is valid when d % CAND_SLOTS < candCount[d / CAND_SLOTS];
 * its token id is candIds[d].
 */
export const CANDIDATES_WGSL = /* wgsl */ `
const CAND_SLOTS: u32 = 8u;

var<workgroup> candIds: array<u32, CAND_SLOTS * WG>;
var<workgroup> candCount: array<u32, WG>;
var<workgroup> candBound: f32;
var<workgroup> candOverflow: u32;

// Every invocation ranks its own maximum; the one holding the k-th largest value (the first of
// equal ones) publishes it. Read candBound after a barrier.
fn cand_bound(lid: u32, maxima: ptr<workgroup, array<f32, WG>>, k: u32) {
  let m = (*maxima)[lid];
  var greater = 0u;
  var atLeast = 0u;
  var sameBefore = 0u;
  for (var j = 0u; j < WG; j++) {
    let o = (*maxima)[j];
    greater += select(0u, 1u, o > m);
    atLeast += select(0u, 1u, o >= m);
    sameBefore += select(0u, 1u, o == m && j < lid);
  }
  if (greater < k && k <= atLeast && sameBefore == 0u) { candBound = m; }
}

fn cand_push(lid: u32, count: ptr<function, u32>, i: u32) {
  if (*count < CAND_SLOTS) { candIds[lid * CAND_SLOTS + *count] = i; }
  *count += 1u;
}

// Publishes this invocation's count; true (workgroup-uniform) when nobody overflowed.
fn cand_finish(lid: u32, count: u32) -> bool {
  candCount[lid] = count;
  workgroupBarrier();
  if (lid == 0u) {
    var over = 0u;
    for (var j = 0u; j < WG; j++) { over = max(over, candCount[j]); }
    candOverflow = select(0u, 1u, over > CAND_SLOTS);
  }
  return workgroupUniformLoad(&candOverflow) == 0u;
}

fn cand_valid(d: u32) -> bool {
  return d % CAND_SLOTS < candCount[d / CAND_SLOTS];
}
`;
