/** Plain TypeScript reference of {@link encodeEmbedding} over a `[vocab, hidden]` f32 table. */
export function embeddingReference(ids: Int32Array, table: Float32Array, hidden: number): Float32Array {
  const vocab = table.length / hidden;
  const out = new Float32Array(ids.length * hidden);
  ids.forEach((id, t) => {
    if (id >= 0 && id < vocab) out.set(table.subarray(id * hidden, (id + 1) * hidden), t * hidden);
  });
  return out;
}
