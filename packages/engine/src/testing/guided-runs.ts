import type { Executor } from "@pagoda/scheduler";
import { expect } from "vitest";
import type { LLMEngine } from "../core/llm-engine.js";
import { testEngine } from "./stories.js";

/** One step's token mask for one request as the executor received it, and what it sampled then. */
export interface MaskRecord {
  step: number;
  requestId: string;
  /** The mask's bytes, hex (compared byte for byte across executors). */
  mask: string;
  sampled: number[];
}

/**
 * Wraps `executor` so every step's token masks — in the step, or handed over late while the
 * forward pass runs (counted in `late.steps`) — are copied into `log` as bytes with the tokens
 * sampled under them.
 */
export function recordMasks(executor: Executor, log: MaskRecord[], late = { steps: 0 }): Executor {
  let step = 0;
  return {
    ...(executor.takesLateMasks !== undefined && { takesLateMasks: executor.takesLateMasks }),
    async execute(out, lateInputs) {
      let masks = out.tokenMasks ?? {};
      const wrapped = lateInputs && {
        tokenMasks: async () => {
          late.steps++;
          masks = await lateInputs.tokenMasks();
          return masks;
        },
      };
      const result = await executor.execute(out, wrapped);
      for (const [requestId, m] of Object.entries(masks)) {
        const mask = Buffer.from(m.buffer, m.byteOffset, m.byteLength).toString("hex");
        log.push({ step, requestId, mask, sampled: result.sampledTokenIds[requestId] ?? [] });
      }
      step++;
      return result;
    },
    close: () => executor.close(),
  };
}

/** True when `mask` (hex of xgrammar's packed little-endian words) allows `token`. */
export function maskAllows(mask: string, token: number): boolean {
  const byte = Number.parseInt(mask.slice((token >> 3) * 2, (token >> 3) * 2 + 2), 16);
  return Number.isInteger(byte) && ((byte >> (token & 7)) & 1) === 1;
}

/** The JSON schema the runs constrain to. */
export const PERSON_SCHEMA = {
  type: "object",
  properties: {
    name: { type: "string", maxLength: 8 },
    age: { type: "integer", minimum: 0, maximum: 99 },
    ok: { type: "boolean" },
  },
  required: ["name", "age", "ok"],
  additionalProperties: false,
} as const;

/** The choices of the guided_choice runs. */
export const CHOICES = ["dragon", "princess", "cat", "big red ball"];

/** The constrained requests, run together in one batch: json_schema and choice, greedy and seeded. */
export const GUIDED_REQUESTS: Readonly<Record<string, Record<string, unknown>>> = {
  "json-greedy": { guided_json: PERSON_SCHEMA, temperature: 0, max_tokens: 80 },
  "json-seeded": { guided_json: PERSON_SCHEMA, temperature: 1, seed: 3, max_tokens: 80 },
  "choice-greedy": { guided_choice: CHOICES, temperature: 0, max_tokens: 20 },
  "choice-seeded": { guided_choice: CHOICES, temperature: 1.2, seed: 9, max_tokens: 20 },
};

/** What one request gave. */
export interface GuidedResult {
  text: string;
  tokenIds: number[];
  finishReason: string | null;
}

/** Runs {@link GUIDED_REQUESTS} together on `engine` to the end. */
export async function runGuided(engine: LLMEngine): Promise<Record<string, GuidedResult>> {
  const results: Record<string, GuidedResult> = {};
  for (const [id, params] of Object.entries(GUIDED_REQUESTS)) {
    engine.addRequest(id, "Once upon a time", params);
    results[id] = { text: "", tokenIds: [], finishReason: null };
  }
  while (engine.hasUnfinished()) {
    for (const o of await engine.step()) {
      const r = results[o.requestId] as GuidedResult;
      r.text += o.text;
      r.tokenIds.push(...o.tokenIds);
      r.finishReason = o.finishReason ?? r.finishReason;
    }
  }
  return results;
}

/** Whether `text` is a JSON object of {@link PERSON_SCHEMA}, checked by hand. */
export function isPerson(text: string): boolean {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return (
    Object.keys(o).sort().join() === "age,name,ok" &&
    typeof o.name === "string" &&
    o.name.length <= 8 &&
    Number.isInteger(o.age) &&
    (o.age as number) >= 0 &&
    (o.age as number) <= 99 &&
    typeof o.ok === "boolean"
  );
}

/** The masks handed to the executor and the outputs of the guided runs on one device. */
export async function guidedRun(
  device: "reference" | "cpu" | "webgpu",
  inner: (e: Executor) => Executor = (e) => e,
) {
  const log: MaskRecord[] = [];
  const late = { steps: 0 };
  const wrap = (e: Executor) => recordMasks(inner(e), log, late);
  const { engine, executor } = await testEngine({ device, wrap });
  try {
    return { log, results: await runGuided(engine), lateSteps: late.steps };
  } finally {
    await executor.close();
  }
}

/** Every output is valid and every sampled token was allowed by the mask it was sampled under. */
export function expectValid(run: Awaited<ReturnType<typeof guidedRun>>): void {
  const { log, results } = run;
  for (const id of ["json-greedy", "json-seeded"]) {
    expect(results[id]?.finishReason, results[id]?.text).toBe("stop");
    expect(isPerson(results[id]?.text ?? ""), results[id]?.text).toBe(true);
  }
  for (const id of ["choice-greedy", "choice-seeded"]) expect(CHOICES).toContain(results[id]?.text);
  expect(log.length).toBeGreaterThan(20);
  for (const r of log)
    for (const t of r.sampled) expect(maskAllows(r.mask, t), `${r.requestId} step ${r.step}`).toBe(true);
  // Each request's masks cover all its sampled tokens: one mask per token it sampled.
  for (const [id, res] of Object.entries(results)) {
    expect(log.filter((r) => r.requestId === id).flatMap((r) => r.sampled)).toEqual(res.tokenIds);
  }
}
