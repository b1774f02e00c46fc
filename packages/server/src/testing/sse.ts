// Test helper: raw SSE reading over fetch, as a client without the openai package would.

/** The `data:` payloads of an SSE body, in order (`[DONE]` included, as the string). */
export async function readSse(res: Response): Promise<unknown[]> {
  const text = await res.text();
  return parseSse(text);
}

/** Splits an SSE text into its events' `data:` payloads, JSON-parsed except `[DONE]`. */
export function parseSse(text: string): unknown[] {
  const events: unknown[] = [];
  for (const block of text.split("\n\n")) {
    if (block === "") continue;
    const data = block
      .split("\n")
      .filter((l) => l.startsWith("data: "))
      .map((l) => l.slice(6))
      .join("\n");
    events.push(data === "[DONE]" ? data : JSON.parse(data));
  }
  return events;
}

/** POSTs JSON. */
export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
) {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...(signal !== undefined && { signal }),
  });
}
