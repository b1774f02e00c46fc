import { useCallback, useEffect, useRef, useState } from "preact/hooks";

/**
 * A re-render at most once per animation frame, for state kept in refs and changed many times
 * a frame (streamed deltas of many requests): copying arrays into state per delta would be O(n²).
 */
export function useFrameRender(): () => void {
  const [, setTick] = useState(0);
  const pending = useRef(0);
  useEffect(() => () => cancelAnimationFrame(pending.current), []);
  return useCallback(() => {
    if (pending.current !== 0) return;
    pending.current = requestAnimationFrame(() => {
      pending.current = 0;
      setTick((t) => t + 1);
    });
  }, []);
}
