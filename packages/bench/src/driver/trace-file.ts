import { BenchError } from "../sim/errors.js";
import type { BenchRequest } from "./trace.js";

const isCount = (v: unknown, min: number): v is number =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= min;

/**
 * Parses a trace file: JSONL, one request a line, `{"arrival_time": s, "input_len": n,
 * "output_len": n}` plus optional `request_id`, `priority` (integer), `tenant`, `prefix_group` and
 * `prefix_len` (shared leading prompt tokens). Blank lines are skipped. Throws `bench.bad_trace`
 * naming the line and the field.
 */
export function parseTraceFile(text: string): BenchRequest[] {
  const out: BenchRequest[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line !== "") out.push(parseEntry(line, i + 1, out.length));
  }
  if (out.length === 0) throw new BenchError("bench.bad_trace", "the trace file has no requests");
  const ids = new Set(out.map((r) => r.requestId));
  if (ids.size !== out.length) throw new BenchError("bench.bad_trace", "the trace file repeats a request_id");
  return out;
}

/** A trace as {@link parseTraceFile} reads it back, e.g. to save a generated workload. */
export function formatTraceFile(requests: readonly BenchRequest[]): string {
  return requests
    .map((r) =>
      JSON.stringify({
        request_id: r.requestId,
        arrival_time: r.arrivalTime,
        input_len: r.inputLen,
        output_len: r.outputLen,
        priority: r.priority,
        tenant: r.tenant,
        prefix_group: r.prefixGroup,
        prefix_len: r.prefixLen,
      }),
    )
    .join("\n")
    .concat("\n");
}

function parseEntry(line: string, lineNo: number, index: number): BenchRequest {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw bad(lineNo, "is not JSON");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad(lineNo, "is not an object");
  const e = v as Record<string, unknown>;
  const { arrival_time: at, input_len: inputLen, output_len: outputLen } = e;
  if (typeof at !== "number" || !Number.isFinite(at) || at < 0) {
    throw bad(lineNo, "arrival_time must be seconds >= 0");
  }
  if (!isCount(inputLen, 1)) throw bad(lineNo, "input_len must be an integer >= 1");
  if (!isCount(outputLen, 1)) throw bad(lineNo, "output_len must be an integer >= 1");
  const r: BenchRequest = { requestId: `req-${index}`, arrivalTime: at, inputLen, outputLen };
  if (e.request_id != null) r.requestId = text(e.request_id, "request_id", lineNo);
  if (e.tenant != null) r.tenant = text(e.tenant, "tenant", lineNo);
  if (e.prefix_group != null) r.prefixGroup = text(e.prefix_group, "prefix_group", lineNo);
  if (e.priority != null) {
    if (typeof e.priority !== "number" || !Number.isSafeInteger(e.priority)) {
      throw bad(lineNo, "priority must be an integer");
    }
    r.priority = e.priority;
  }
  if (e.prefix_len != null) {
    if (!isCount(e.prefix_len, 0) || e.prefix_len > inputLen) {
      throw bad(lineNo, "prefix_len must be an integer in [0, input_len]");
    }
    r.prefixLen = e.prefix_len;
  }
  return r;
}

function text(v: unknown, field: string, lineNo: number): string {
  if (typeof v !== "string" || v === "") throw bad(lineNo, `${field} must be a non-empty string`);
  return v;
}

function bad(lineNo: number, what: string): BenchError {
  return new BenchError("bench.bad_trace", `trace line ${lineNo}: ${what}`, { details: { line: lineNo } });
}
