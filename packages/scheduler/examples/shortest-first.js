// A scheduling policy written outside Pagoda: plain JavaScript, loaded by path with
// `pagoda serve --policy ./shortest-first.js --policy-options '{"msPerToken": 2}'`.

/**
 * Short prompts first, without starving long ones: a request counts as arriving `msPerToken`
 * milliseconds later per prompt token, so a long prompt is overtaken only by requests that
 * arrive within its own penalty.
 *
 * @param {{ msPerToken?: number }} options
 * @returns {import("@pagoda/scheduler").SchedulingPolicy}
 */
export default function createShortestFirst(options = {}) {
  const { msPerToken = 1, ...unknown } = options;
  if (typeof msPerToken !== "number" || !(msPerToken >= 0)) {
    throw new Error(`msPerToken must be a number >= 0, got ${msPerToken}`);
  }
  if (Object.keys(unknown).length > 0) throw new Error(`unknown options: ${Object.keys(unknown)}`);
  // A fixed key per request, so the scheduler keeps the queue a heap and never re-sorts it.
  const key = (r) => r.arrivalTime + msPerToken * r.numPromptTokens;
  const compareWaiting = (a, b) => key(a) - key(b) || a.arrivalTime - b.arrivalTime || a.seq - b.seq;
  return {
    name: "shortest-first",
    compareWaiting,
    // When blocks run out, give them back from the request this order would serve last.
    pickVictim: (candidates) => candidates.reduce((last, r) => (compareWaiting(r, last) > 0 ? r : last)),
  };
}
