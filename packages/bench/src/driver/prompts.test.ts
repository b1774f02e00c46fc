import { describe, expect, it } from "vitest";
import { PromptSource } from "./prompts.js";
import { buildTrace } from "./trace.js";
import { formatTraceFile, parseTraceFile } from "./trace-file.js";

const req = (id: string, inputLen: number, group?: string, prefixLen?: number) => ({
  requestId: id,
  arrivalTime: 0,
  inputLen,
  outputLen: 4,
  ...(group !== undefined && { prefixGroup: group }),
  ...(prefixLen !== undefined && { prefixLen }),
});

describe("PromptSource: shared prefixes for the simulator and the engine alike", () => {
  it("gives a group's requests the same leading tokens and other groups other ones", () => {
    const p = new PromptSource(3, 512, new Set([2]));
    const a = p.tokens(req("a", 40, "g0", 32));
    const b = p.tokens(req("b", 50, "g0", 32));
    const c = p.tokens(req("c", 40, "g1", 32));
    expect([a.length, b.length, c.length]).toEqual([40, 50, 40]);
    expect(b.slice(0, 32)).toEqual(a.slice(0, 32));
    expect(b.slice(32, 40)).not.toEqual(a.slice(32, 40));
    expect(c.slice(0, 32)).not.toEqual(a.slice(0, 32));
    expect(a.concat(b, c)).not.toContain(2);
    // A longer prefix later keeps the group's first tokens; the same seed replays everything.
    expect(p.tokens(req("d", 64, "g0", 48)).slice(0, 32)).toEqual(a.slice(0, 32));
    const q = new PromptSource(3, 512, new Set([2]));
    expect(q.tokens(req("a", 40, "g0", 32))).toEqual(a);
  });

  it("buildTrace assigns prefix groups round-robin, capped at each prompt's length", () => {
    const t = buildTrace({
      numPrompts: 6,
      requestRate: Infinity,
      inputLen: 20,
      outputLen: 4,
      sharedPrefixLen: 16,
      numPrefixGroups: 2,
      seed: 0,
    });
    expect(t.map((r) => r.prefixGroup)).toEqual([
      "prefix-0",
      "prefix-1",
      "prefix-0",
      "prefix-1",
      "prefix-0",
      "prefix-1",
    ]);
    expect(t.every((r) => r.prefixLen === 16)).toBe(true);
    expect(
      buildTrace({ numPrompts: 2, requestRate: 1, inputLen: 8, outputLen: 4, seed: 0 })[0],
    ).not.toHaveProperty("prefixGroup");
  });
});

describe("trace files", () => {
  it("read back what they wrote", () => {
    const t = buildTrace({
      numPrompts: 5,
      requestRate: 4,
      inputLen: 30,
      outputLen: 9,
      sharedPrefixLen: 8,
      seed: 1,
    });
    expect(parseTraceFile(formatTraceFile(t))).toEqual(t);
  });

  it.each([
    ["{", "line 2: is not JSON"],
    ['{"arrival_time": -1, "input_len": 4, "output_len": 4}', "line 2: arrival_time"],
    ['{"arrival_time": 0, "input_len": 0, "output_len": 4}', "line 2: input_len"],
    ['{"arrival_time": 0, "input_len": 4, "output_len": 4, "prefix_len": 5}', "line 2: prefix_len"],
    ['{"arrival_time": 0, "input_len": 4, "output_len": 4, "priority": 0.5}', "line 2: priority"],
    ['{"arrival_time": 0, "input_len": 4, "output_len": 4, "request_id": "a"}', "repeats a request_id"],
  ])("refuses %s naming what is wrong", (line, message) => {
    const first = '{"request_id": "a", "arrival_time": 0, "input_len": 4, "output_len": 4}';
    expect(() => parseTraceFile(`${first}\n${line}\n`)).toThrow(message);
  });
});
