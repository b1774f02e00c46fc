import type { SamplingSettings } from "../api/completion-stream.js";

/** The sampling inputs shared by the single request and the concurrent launcher. */
export function SamplingControls(props: {
  value: SamplingSettings;
  onChange(value: SamplingSettings): void;
}) {
  const v = props.value;
  const set = (patch: Partial<SamplingSettings>) => props.onChange({ ...v, ...patch });
  const num = (e: Event) => Number((e.currentTarget as HTMLInputElement).value);
  return (
    <div class="controls">
      <label>
        max tokens
        <input
          data-testid="max-tokens-input"
          type="number"
          min={1}
          max={4096}
          value={v.maxTokens}
          onInput={(e) => set({ maxTokens: Math.max(1, Math.round(num(e)) || 1) })}
        />
      </label>
      <label>
        temperature
        <input
          data-testid="temperature-input"
          type="number"
          min={0}
          max={2}
          step={0.05}
          value={v.temperature}
          onInput={(e) => set({ temperature: Math.max(0, num(e) || 0) })}
        />
      </label>
      <label>
        top-p
        <input
          data-testid="top-p-input"
          type="number"
          min={0.01}
          max={1}
          step={0.01}
          value={v.topP}
          onInput={(e) => set({ topP: Math.min(1, Math.max(0.01, num(e) || 1)) })}
        />
      </label>
      <label>
        seed
        <input
          data-testid="seed-input"
          type="number"
          placeholder="random"
          value={v.seed ?? ""}
          onInput={(e) => {
            const raw = (e.currentTarget as HTMLInputElement).value;
            set({ seed: raw === "" ? null : Math.round(Number(raw)) });
          }}
        />
      </label>
      <label title="keep generating past the end-of-sequence token, up to max tokens">
        <input
          data-testid="ignore-eos-input"
          type="checkbox"
          checked={v.ignoreEos ?? false}
          onChange={(e) => set({ ignoreEos: (e.currentTarget as HTMLInputElement).checked })}
        />
        ignore EOS
      </label>
    </div>
  );
}
