import { errorMessage } from "./completion-stream.js";

/** Whether the served model can chat, and why the page thinks so. */
export interface ChatSupport {
  chat: boolean;
  /** The served model's id, when /v1/models names one. */
  model: string | null;
  reason: string;
}

/**
 * Reads a chat capability from one `/v1/models` entry, if the server states one: a boolean
 * `chat`, `capabilities.chat` or `chat_template` field. `undefined` when it does not say.
 */
export function chatFlagOf(model: unknown): boolean | undefined {
  if (typeof model !== "object" || model === null) return undefined;
  const m = model as { chat?: unknown; chat_template?: unknown; capabilities?: { chat?: unknown } };
  for (const flag of [m.chat, m.capabilities?.chat, m.chat_template]) {
    if (typeof flag === "boolean") return flag;
  }
  return undefined;
}

/**
 * Finds out whether chat works: from the capability flag of /v1/models when present, else by
 * a one-token chat request (a model without a chat template answers 400).
 */
export async function detectChatSupport(
  options: { fetch?: typeof fetch; baseUrl?: string } = {},
): Promise<ChatSupport> {
  const f = options.fetch ?? fetch;
  const base = options.baseUrl ?? "";
  const models = await f(`${base}/v1/models`);
  if (!models.ok) return { chat: false, model: null, reason: `/v1/models: ${await errorMessage(models)}` };
  const list = (await models.json()) as { data?: { id?: string }[] };
  const entry = list.data?.[0];
  const model = typeof entry?.id === "string" ? entry.id : null;
  const flag = chatFlagOf(entry);
  if (flag !== undefined) return { chat: flag, model, reason: "stated by /v1/models" };
  const probe = await f(`${base}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], max_tokens: 1 }),
  });
  if (probe.ok) {
    await probe.body?.cancel();
    return { chat: true, model, reason: "a one-token chat request succeeded" };
  }
  return { chat: false, model, reason: await errorMessage(probe) };
}
