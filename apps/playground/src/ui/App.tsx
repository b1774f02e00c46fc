import { useEffect, useMemo, useState } from "preact/hooks";
import { type ChatSupport, detectChatSupport } from "../api/chat-support.js";
import type { SamplingSettings } from "../api/completion-stream.js";
import { RequestColors } from "../kv/request-colors.js";
import { BatchPanel } from "./BatchPanel.js";
import { CompletionPanel } from "./CompletionPanel.js";
import { ConcurrentPanel } from "./ConcurrentPanel.js";
import { KvBlockMap } from "./KvBlockMap.js";
import { MetricsPanel } from "./MetricsPanel.js";
import { QueuesPanel } from "./QueuesPanel.js";
import { SamplingControls } from "./SamplingControls.js";
import { useEngineFeed } from "./use-engine-feed.js";

/** The whole page: request panels on the left, the live engine on the right. */
export function App() {
  const feed = useEngineFeed("/v1/engine/events");
  const colors = useMemo(() => new RequestColors(), []);
  const colorOf = (id: string) => colors.colorOf(id);
  const [chat, setChat] = useState<ChatSupport | null>(null);
  const [mode, setMode] = useState<"completion" | "chat">("completion");
  const [prompt, setPrompt] = useState("Once upon a time");
  const [sampling, setSampling] = useState<SamplingSettings>({
    maxTokens: 64,
    temperature: 0.8,
    topP: 0.95,
    seed: null,
  });

  useEffect(() => {
    detectChatSupport().then(setChat, (err: unknown) =>
      setChat({ chat: false, model: null, reason: err instanceof Error ? err.message : String(err) }),
    );
  }, []);

  const snap = feed.snapshot;
  return (
    <div class="page">
      <header>
        <h1>Pagoda playground</h1>
        <span class="muted">{chat?.model ?? ""}</span>
        <span class={`feed ${feed.status}`} data-testid="feed-status" data-status={feed.status}>
          engine feed: {feed.status}
          {feed.detail ? ` (${feed.detail})` : ""}
          {snap ? ` · t=${snap.time.toFixed(1)} s` : ""}
        </span>
      </header>
      <div class="layout">
        <div class="column">
          <CompletionPanel
            prompt={prompt}
            onPrompt={setPrompt}
            sampling={sampling}
            chat={chat}
            mode={mode}
            onMode={setMode}
            colorOf={colorOf}
          />
          <section class="panel">
            <h2>Sampling</h2>
            <SamplingControls value={sampling} onChange={setSampling} />
          </section>
          <ConcurrentPanel request={{ mode, prompt, sampling }} colorOf={colorOf} />
        </div>
        <div class="column">
          <KvBlockMap kv={snap?.kv ?? null} colorOf={colorOf} />
          <div class="pair">
            <QueuesPanel queues={snap?.queues ?? null} colorOf={colorOf} />
            <BatchPanel steps={feed.steps} />
          </div>
        </div>
        <MetricsPanel metrics={snap?.metrics ?? null} series={feed.series.current()} version={feed.version} />
      </div>
    </div>
  );
}
