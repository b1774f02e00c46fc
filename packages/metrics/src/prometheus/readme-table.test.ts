import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { METRIC_DEFINITIONS } from "./metric-names.js";

describe("the README's Prometheus table", () => {
  const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");
  const rows = readme
    .split("\n")
    .filter((l) => l.startsWith("| `pagoda:"))
    .map((l) => l.split(" | ").map((cell) => cell.replace(/^\|/, "").trim()));

  it("has one row per exposed metric, with its type and vLLM name", () => {
    expect(rows).toHaveLength(Object.keys(METRIC_DEFINITIONS).length);
    for (const d of Object.values(METRIC_DEFINITIONS)) {
      const row = rows.find(([name]) => name === `\`${d.name}\`` || name?.startsWith(`\`${d.name}{`));
      expect(row, d.name).toBeDefined();
      expect(row?.[1]).toBe(d.kind);
      if (d.vllmName !== null) expect(row?.[2]).toContain(`\`${d.vllmName}`);
      else expect(row?.[2]?.startsWith("—")).toBe(true);
    }
  });
});
