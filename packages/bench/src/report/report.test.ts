import { describe, expect, it } from "vitest";
import type { Chart } from "./chart.js";
import { renderHtml } from "./html.js";
import { niceTicks, renderSvg } from "./svg.js";
import { formatTable } from "./text.js";

const chart: Chart = {
  title: "T <&>",
  xLabel: "batch",
  yLabel: "tok/s",
  x: [1, 2, 4, 8],
  logX: true,
  series: [
    { label: "a", values: [1, 2, null, 8] },
    { label: "b", values: [2, 3, 4, 5] },
  ],
};

describe("renderSvg", () => {
  it("draws one polyline per series, skipping missing points, with escaped text", () => {
    const svg = renderSvg(chart);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg.match(/<circle/g)).toHaveLength(7);
    expect(svg).toContain("T &lt;&amp;&gt;");
    // log-x: 1, 2, 4, 8 are evenly spaced.
    const xs = [...svg.matchAll(/<text x="([\d.]+)" y="\d+" text-anchor="middle">(1|2|4|8)<\/text>/g)].map(
      (m) => Number(m[1]),
    );
    expect(xs).toHaveLength(4);
    const [x1 = 0, x2 = 0, x4 = 0, x8 = 0] = xs;
    expect(x2 - x1).toBeCloseTo(x8 - x4, 0);
  });

  it("picks round ticks", () => {
    expect(niceTicks(0, 9.3)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(0, 2300)).toEqual([0, 500, 1000, 1500, 2000]);
  });
});

describe("renderHtml", () => {
  it("inlines the library, embeds the data safely and compiles", () => {
    const html = renderHtml(
      { title: "R", config: { rate: 3 }, data: { note: "</script><b>" }, charts: [chart] },
      { js: "window.uPlotLoaded = true;", css: ".u{}" },
    );
    expect(html).toContain("window.uPlotLoaded = true;");
    expect(html).not.toContain("</script><b>");
    const json = html.match(/<script type="application\/json" id="report-data">(.*?)<\/script>/s)?.[1] ?? "";
    expect(JSON.parse(json).data.note).toBe("</script><b>");
    const scripts = [...html.matchAll(/<script>(.*?)<\/script>/gs)].map((m) => m[1] ?? "");
    expect(scripts).toHaveLength(2);
    for (const s of scripts) expect(() => new Function(s)).not.toThrow();
    expect(html).toContain('id="chart-0"');
  });
});

describe("formatTable", () => {
  it("right-aligns columns and rounds numbers by size", () => {
    expect(
      formatTable(
        ["a", "bb"],
        [
          [1, 1234.5],
          ["x", 0.12345],
        ],
      ),
    ).toBe(["a     bb", "-  -----", "1   1235", "x  0.123", ""].join("\n"));
  });
});
