import { describe, expect, it } from "vitest";
import { histogramSeries, parseExposition } from "./prom-text.js";

const GOOD = `# HELP a:b_total Things.
# TYPE a:b_total counter
a:b_total{model_name="x \\"q\\" \\\\ \\n"} 3
# TYPE h histogram
h_bucket{le="0.5"} 1
h_bucket{le="+Inf"} 2
h_sum 0.75
h_count 2
`;

describe("the strict exposition reader used by the tests", () => {
  it("reads a well-formed exposition, unescaping label values", () => {
    const f = parseExposition(GOOD);
    expect(f.get("a:b_total")?.samples[0]).toEqual({
      name: "a:b_total",
      labels: { model_name: 'x "q" \\ \n' },
      value: 3,
    });
    const h = f.get("h");
    expect(h && histogramSeries(h, {})).toEqual({
      buckets: [
        { le: 0.5, count: 1 },
        { le: Number.POSITIVE_INFINITY, count: 2 },
      ],
      sum: 0.75,
      count: 2,
    });
  });

  it("rejects what the format does not allow", () => {
    const bad = [
      GOOD.replace("a:b_total{", "a-b_total{"),
      GOOD.replace(" 3\n", " three\n"),
      GOOD.replace("# TYPE a:b_total counter\n", ""),
      `${GOOD}a:b_total{model_name="x \\"q\\" \\\\ \\n"} 4\n`,
      GOOD.replace('model_name="', 'model_name=x"'),
      GOOD.slice(0, -1),
    ];
    for (const text of bad) expect(() => parseExposition(text)).toThrow();
    const notCumulative = parseExposition(GOOD.replace('h_bucket{le="+Inf"} 2', 'h_bucket{le="+Inf"} 0'));
    const h = notCumulative.get("h");
    expect(() => h && histogramSeries(h, {})).toThrow();
  });
});
