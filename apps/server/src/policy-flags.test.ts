import { policyNames } from "@pagoda/engine";
import { isPagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { parsePolicy, parsePolicyOptions, policyHelp } from "./policy-flags.js";

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isPagodaError(err)) return `${err.code}: ${err.message}`;
    throw err;
  }
  return "no error";
}

describe("policy flags", () => {
  it("take the registry's names and module paths", () => {
    expect(policyHelp()).toContain(`scheduling policy: ${policyNames().join(" | ")}, or a module path`);
    for (const p of ["fcfs", "fair", "./mine.js", "/abs/mine.mjs", "mine.js"]) expect(parsePolicy(p)).toBe(p);
    expect(messageOf(() => parsePolicy("lifo"))).toBe(
      'cli.bad_argument: --policy must be one of fcfs, priority, slo, sjf, fair, static or a module path like ./my-policy.js; got "lifo"',
    );
  });

  it("parse --policy-options as a JSON object", () => {
    expect(parsePolicyOptions(undefined)).toBeUndefined();
    expect(parsePolicyOptions('{"agingPerSecond": 0.5}')).toEqual({ agingPerSecond: 0.5 });
    for (const bad of ["{oops", "[1]", "3", "null"]) {
      expect(messageOf(() => parsePolicyOptions(bad))).toMatch(
        /^cli\.bad_argument: --policy-options must be a JSON object/,
      );
    }
  });
});
