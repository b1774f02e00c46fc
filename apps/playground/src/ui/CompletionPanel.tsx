import { useState } from "preact/hooks";
import type { ChatSupport } from "../api/chat-support.js";
import type { ChatMessage, SamplingSettings } from "../api/completion-stream.js";
import { TokenStream } from "./TokenStream.js";
import { useStreamRun } from "./use-stream-run.js";

/** Prompt in, streamed completion out; a chat mode when the served model has a template. */
export function CompletionPanel(props: {
  prompt: string;
  onPrompt(prompt: string): void;
  sampling: SamplingSettings;
  chat: ChatSupport | null;
  mode: "completion" | "chat";
  onMode(mode: "completion" | "chat"): void;
  colorOf(requestId: string): string;
}) {
  const { run, start, stop } = useStreamRun();
  const [history, setHistory] = useState<ChatMessage[]>([]);
  const streaming = run?.status === "streaming";

  const send = async () => {
    const prompt = props.prompt;
    const mode = props.mode;
    const done = await start({
      mode,
      prompt,
      sampling: props.sampling,
      history: mode === "chat" ? history : [],
    });
    if (mode === "chat" && done.status === "done") {
      const reply = done.deltas.map((d) => d.text).join("");
      setHistory((h) => [...h, { role: "user", content: prompt }, { role: "assistant", content: reply }]);
    }
  };

  return (
    <section class="panel">
      <h2>Prompt</h2>
      {props.chat?.chat && (
        <div class="tabs" data-testid="mode-tabs">
          {(["completion", "chat"] as const).map((m) => (
            <button
              type="button"
              key={m}
              class={props.mode === m ? "on" : ""}
              onClick={() => props.onMode(m)}
            >
              {m}
            </button>
          ))}
        </div>
      )}
      {props.mode === "chat" && history.length > 0 && (
        <ol class="transcript" data-testid="chat-transcript">
          {history.map((m, i) => (
            <li key={i} class={m.role}>
              {m.content}
            </li>
          ))}
        </ol>
      )}
      <textarea
        data-testid="prompt-input"
        rows={3}
        value={props.prompt}
        onInput={(e) => props.onPrompt((e.currentTarget as HTMLTextAreaElement).value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && !streaming) void send();
        }}
      />
      <div class="row">
        <button
          type="button"
          data-testid="send-button"
          class="primary"
          disabled={streaming}
          onClick={() => void send()}
        >
          Send
        </button>
        <button type="button" data-testid="stop-button" disabled={!streaming} onClick={stop}>
          Stop
        </button>
        {props.mode === "chat" && (
          <button type="button" disabled={streaming || history.length === 0} onClick={() => setHistory([])}>
            New conversation
          </button>
        )}
        <span
          class="muted"
          data-testid="chat-status"
          data-chat={props.chat ? String(props.chat.chat) : undefined}
        >
          {props.chat && !props.chat.chat ? `chat hidden: ${props.chat.reason}` : ""}
        </span>
      </div>
      <TokenStream run={run} color={run?.id ? props.colorOf(run.id) : null} />
    </section>
  );
}
