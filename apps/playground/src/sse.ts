/** One server-sent event: its `event` name (default "message") and its joined `data` lines. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * Incremental parser for a `text/event-stream` body: feed it chunks as they arrive, get back
 * the events completed so far. A chunk may end mid-line or mid-event; the rest is kept.
 */
export class SseParser {
  private buffer = "";

  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const events: SseEvent[] = [];
    // Events end at a blank line; accept \r\n, \n and \r line endings as the spec does. A
    // trailing \r waits for the next chunk: it may be the first half of a \r\n.
    const held = this.buffer.endsWith("\r") ? "\r" : "";
    const ready = held ? this.buffer.slice(0, -1) : this.buffer;
    const blocks = ready.replace(/\r\n?/g, "\n").split("\n\n");
    this.buffer = (blocks.pop() ?? "") + held;
    for (const block of blocks) {
      const event = parseBlock(block);
      if (event) events.push(event);
    }
    return events;
  }
}

function parseBlock(block: string): SseEvent | null {
  let event = "message";
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return data.length === 0 ? null : { event, data: data.join("\n") };
}
