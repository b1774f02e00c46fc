/**
 * Wraps a one-time async load so every call shares its promise while it is pending or has
 * succeeded; a rejection reaches the callers already waiting and is then forgotten, so the next
 * call loads again (a network blip or a failed wasm start must not disable the feature for the
 * life of the process).
 *
 * @example
 * const load = onceUnlessRejected(() => import("big-module"));
 * await load(); // imports; later calls reuse it, unless this one threw
 */
export function onceUnlessRejected<T>(load: () => Promise<T>): () => Promise<T> {
  let cached: Promise<T> | undefined;
  return () => {
    if (cached === undefined) {
      // An async wrapper turns a synchronous throw of `load` into a rejection too.
      const attempt = (async () => load())();
      cached = attempt;
      attempt.catch(() => {
        if (cached === attempt) cached = undefined;
      });
    }
    return cached;
  };
}
