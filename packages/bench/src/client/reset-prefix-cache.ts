import { BenchError } from "../sim/errors.js";

/**
 * Asks a server to drop its prefix cache (`POST /reset_prefix_cache`: Pagoda, vLLM in dev mode)
 * so a run does not hit the prompts of the one before it. Rejects with `bench.reset_failed`
 * naming the status and the server's message when the server cannot (no such route, requests
 * still holding blocks).
 */
export async function resetPrefixCache(url: string, headers: Record<string, string> = {}): Promise<void> {
  const target = `${url.replace(/\/+$/, "").replace(/\/v1$/, "")}/reset_prefix_cache`;
  let res: Response;
  try {
    res = await fetch(target, { method: "POST", headers });
  } catch (cause) {
    throw new BenchError("bench.reset_failed", `POST ${target} failed: ${String(cause)}`, { cause });
  }
  if (res.ok) {
    await res.body?.cancel();
    return;
  }
  const text = await res.text().catch(() => "");
  const message = (() => {
    try {
      return (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
    } catch {
      return text;
    }
  })();
  throw new BenchError(
    "bench.reset_failed",
    `POST ${target} answered HTTP ${res.status}${message ? `: ${message.slice(0, 200)}` : ""}`,
    { details: { status: res.status } },
  );
}
