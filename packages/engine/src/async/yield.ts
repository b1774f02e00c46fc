/**
 * Lets other work (add / abort calls, readers, messages) run between engine steps: setImmediate
 * in Node; a MessageChannel round trip in browsers and Web Workers, where nested setTimeout(0)
 * is clamped to 4 ms.
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as unknown as {
    setImmediate?: (f: () => void) => void;
    MessageChannel?: new () => {
      port1: { onmessage: (() => void) | null; close(): void };
      port2: { postMessage(message: unknown): void };
    };
  };
  const { setImmediate, MessageChannel } = g;
  if (setImmediate !== undefined) return new Promise((resolve) => setImmediate(resolve));
  if (MessageChannel === undefined) return new Promise((resolve) => setTimeout(resolve, 0));
  const ch = new MessageChannel();
  return new Promise((resolve) => {
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}
