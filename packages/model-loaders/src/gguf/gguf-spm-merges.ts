/**
 * BPE merges that make Hugging Face's BPE tokenize like a SentencePiece-style vocabulary with
 * scores (GGUF `tokenizer.ggml.model` = `llama`). llama.cpp (like SentencePiece) repeatedly
 * merges the adjacent pair whose concatenation is a token with the highest score; BPE merges the
 * pair of lowest rank. So every split of every mergeable token into two tokens becomes a merge,
 * ranked by the token's score (highest first; splits of one token by their parts' ids).
 */
export function spmMerges(
  tokens: readonly string[],
  scores: ArrayLike<number>,
  mergeable: (id: number) => boolean,
): [string, string][] {
  const idOf = new Map<string, number>();
  tokens.forEach((t, id) => {
    if (mergeable(id) && !idOf.has(t)) idOf.set(t, id);
  });
  const found: { left: string; right: string; score: number; l: number; r: number }[] = [];
  for (const [text, id] of idOf) {
    const chars = [...text];
    for (let at = 1; at < chars.length; at++) {
      const left = chars.slice(0, at).join("");
      const right = chars.slice(at).join("");
      const l = idOf.get(left);
      const r = idOf.get(right);
      if (l !== undefined && r !== undefined) found.push({ left, right, score: scores[id] ?? 0, l, r });
    }
  }
  found.sort((a, b) => b.score - a.score || a.l - b.l || a.r - b.r);
  return found.map((m) => [m.left, m.right]);
}
