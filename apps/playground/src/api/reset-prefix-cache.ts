import { errorMessage } from "./completion-stream.js";

/** What the server said to a prefix-cache reset. */
export type ResetOutcome = { ok: true } | { ok: false; message: string };

/**
 * `POST /reset_prefix_cache`: drops every cached prefix, so the map's cached-free blocks turn
 * free. Never throws: a refusal (409 while requests hold blocks) or a network error is the
 * outcome's message, for the page to show.
 */
export async function resetPrefixCache(
  options: { fetch?: typeof fetch; baseUrl?: string } = {},
): Promise<ResetOutcome> {
  try {
    const res = await (options.fetch ?? fetch)(`${options.baseUrl ?? ""}/reset_prefix_cache`, {
      method: "POST",
    });
    if (res.ok) return { ok: true };
    return { ok: false, message: await errorMessage(res) };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}
