import type { BenchRequest } from "../driver/trace.js";
import { BenchError } from "../sim/errors.js";
import { arrivalTimes } from "../workload/arrivals.js";
import { createRng } from "../workload/rng.js";

/** One entry of a dataset file: a prompt text, or a pair of lengths. */
export interface DatasetEntry {
  prompt?: string;
  /** Prompt tokens: given for length pairs, estimated (4 characters a token) for texts until the server says. */
  inputLen: number;
  outputLen: number;
}

const isLen = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 1;

/**
 * Parses a JSONL dataset: each line `{"prompt": "...", "output_len"?: n}` or
 * `{"input_len": n, "output_len": n}`; blank lines are skipped. Prompts without `output_len`
 * get `defaultOutputLen`. Throws `bench.bad_dataset` naming the line.
 */
export function parseDataset(text: string, defaultOutputLen: number): DatasetEntry[] {
  const entries: DatasetEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() !== "") entries.push(parseLine(line, i + 1, defaultOutputLen));
  }
  if (entries.length === 0) throw new BenchError("bench.bad_dataset", "the dataset has no entries");
  return entries;
}

/** A trace over dataset entries (cycled when more prompts are asked for than it has), arrivals seeded. */
export function datasetTrace(
  entries: readonly DatasetEntry[],
  options: { numPrompts: number; requestRate: number; burstiness?: number; seed: number },
): BenchRequest[] {
  const times = arrivalTimes(
    {
      numRequests: options.numPrompts,
      requestRate: options.requestRate,
      burstiness: options.burstiness ?? 1,
    },
    createRng(options.seed),
  );
  return times.map((arrivalTime, i) => {
    const e = entries[i % entries.length] as DatasetEntry;
    return {
      requestId: `req-${i}`,
      arrivalTime,
      inputLen: e.inputLen,
      outputLen: e.outputLen,
      ...(e.prompt !== undefined && { prompt: e.prompt }),
    };
  });
}

function parseLine(line: string, lineNo: number, defaultOutputLen: number): DatasetEntry {
  const bad = (why: string): never => {
    throw new BenchError("bench.bad_dataset", `dataset line ${lineNo}: ${why}`, {
      details: { line: lineNo },
    });
  };
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch {
    return bad("not JSON");
  }
  if (typeof row !== "object" || row === null || Array.isArray(row)) return bad("not a JSON object");
  const r = row as Record<string, unknown>;
  const out = r.output_len ?? defaultOutputLen;
  if (!isLen(out)) return bad(`output_len must be an integer >= 1, got ${JSON.stringify(out)}`);
  if (typeof r.prompt === "string" && r.prompt !== "") {
    return { prompt: r.prompt, inputLen: Math.max(1, Math.round(r.prompt.length / 4)), outputLen: out };
  }
  if (isLen(r.input_len)) return { inputLen: r.input_len, outputLen: out };
  return bad('needs a non-empty "prompt" or an integer "input_len"');
}
