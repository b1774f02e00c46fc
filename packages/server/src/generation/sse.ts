const encoder = new TextEncoder();

/** What an SSE answer tells its route. */
export interface SseHooks {
  /** The client went away before the stream ended. */
  onCancel(): void;
  /** The stream ended, completely or not (called once, after `onCancel` if any). */
  onClose(): void;
}

/**
 * A `text/event-stream` answer: each event as `data: {json}\n\n`, then `data: [DONE]\n\n`, as
 * OpenAI streams. Events are pulled one at a time, so nothing is produced for a client that stopped
 * reading; `events` must not throw (routes turn errors into an error event themselves).
 */
export function sseResponse(events: AsyncIterable<unknown>, hooks: SseHooks): Response {
  const it = events[Symbol.asyncIterator]();
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    hooks.onClose();
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await it.next();
        if (closed) return;
        if (next.done) {
          controller.enqueue(encoder.encode("data: [DONE]\n\n"));
          controller.close();
          close();
        } else {
          controller.enqueue(encoder.encode(`data: ${JSON.stringify(next.value)}\n\n`));
        }
      } catch (err) {
        controller.error(err);
        close();
      }
    },
    cancel() {
      if (closed) return;
      hooks.onCancel();
      close();
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache",
      // Proxies such as nginx would otherwise buffer the stream.
      "X-Accel-Buffering": "no",
    },
  });
}
