import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RequestOutput } from "../core/types.js";
import { testEngine } from "../testing/stories.js";

type Prop =
  | { type: "boolean" }
  | { type: "integer"; minimum: number; maximum: number }
  | { type: "string"; enum: string[] }
  | { type: "string"; maxLength: number };

const prop: fc.Arbitrary<Prop> = fc.oneof(
  fc.constant({ type: "boolean" as const }),
  fc
    .tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 50 }))
    .map(([lo, span]) => ({ type: "integer" as const, minimum: lo, maximum: lo + span })),
  fc
    .uniqueArray(fc.stringMatching(/^[a-z]{1,5}$/), { minLength: 1, maxLength: 3 })
    .map((e) => ({ type: "string" as const, enum: e })),
  fc.integer({ min: 1, max: 6 }).map((n) => ({ type: "string" as const, maxLength: n })),
);

const schemaArb = fc.dictionary(fc.stringMatching(/^[a-z]{1,4}$/), prop, { minKeys: 1, maxKeys: 3 });

// Checks the value against the generated schema's rules by hand (no validator dependency).
function validates(v: unknown, props: Record<string, Prop>): boolean {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  if (Object.keys(o).sort().join() !== Object.keys(props).sort().join()) return false;
  return Object.entries(props).every(([k, p]) => {
    const x = o[k];
    if (p.type === "boolean") return typeof x === "boolean";
    if (p.type === "integer")
      return Number.isInteger(x) && (x as number) >= p.minimum && (x as number) <= p.maximum;
    if ("enum" in p) return p.enum.includes(x as string);
    return typeof x === "string" && [...x].length <= p.maxLength;
  });
}

describe("guided_json over random schemas (stories260K, temperature 1)", () => {
  it("the hand-written check rejects what breaks the schema", () => {
    const props: Record<string, Prop> = { a: { type: "integer", minimum: 0, maximum: 3 } };
    expect(validates({ a: 2 }, props)).toBe(true);
    for (const bad of [{}, { a: 4 }, { a: 1.5 }, { a: 1, b: 1 }, [2]])
      expect(validates(bad, props)).toBe(false);
  });

  it("every finished output parses and validates", async () => {
    const { engine } = await testEngine();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(schemaArb, fc.integer({ min: 0, max: 1000 }), async (props, seed) => {
        const schema = {
          type: "object",
          properties: props,
          required: Object.keys(props),
          additionalProperties: false,
        };
        engine.addRequest(`p${n++}`, "Once upon a time", { guided_json: schema, seed, max_tokens: 150 });
        const outs: RequestOutput[] = [];
        while (engine.hasUnfinished()) outs.push(...(await engine.step()));
        expect(outs.at(-1)?.finishReason).toBe("stop");
        expect(validates(JSON.parse(outs.map((o) => o.text).join("")), props)).toBe(true);
      }),
      { numRuns: 50, seed: 20 },
    );
  }, 120_000);
});
