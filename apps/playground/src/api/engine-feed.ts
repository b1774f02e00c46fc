import { type EngineSnapshotEvent, parseSnapshot } from "./snapshot.js";

/** How the live feed is doing, for the page's status line. */
export type FeedStatus = "connecting" | "live" | "reconnecting" | "unavailable";

/** Callbacks of {@link openEngineFeed}. */
export interface FeedHandlers {
  onSnapshot(snapshot: EngineSnapshotEvent): void;
  onStatus(status: FeedStatus, detail?: string): void;
}

/**
 * Subscribes to `GET /v1/engine/events` (SSE, `event: snapshot`) through the browser's
 * EventSource, which reconnects by itself after a dropped connection. Returns the close function.
 */
export function openEngineFeed(url: string, handlers: FeedHandlers): () => void {
  const source = new EventSource(url);
  handlers.onStatus("connecting");
  source.onopen = () => handlers.onStatus("live");
  source.onerror = () => {
    // CLOSED after an error means the server refused the stream (e.g. 404): EventSource gives up.
    if (source.readyState === EventSource.CLOSED)
      handlers.onStatus("unavailable", `${url} refused the connection`);
    else handlers.onStatus("reconnecting");
  };
  source.addEventListener("snapshot", (event) => {
    try {
      handlers.onSnapshot(parseSnapshot((event as MessageEvent<string>).data));
    } catch (err) {
      handlers.onStatus("unavailable", err instanceof Error ? err.message : String(err));
      source.close();
    }
  });
  return () => source.close();
}
