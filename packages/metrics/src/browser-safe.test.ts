import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = import.meta.dirname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("the core entry point runs in a browser", () => {
  it("imports neither prom-client nor Node built-ins outside prometheus/", () => {
    const core = sources(SRC).filter((p) => {
      const rel = relative(SRC, p);
      return !rel.startsWith("prometheus") && !rel.startsWith("testing");
    });
    expect(core.length).toBeGreaterThan(10);
    for (const path of core) {
      const imports = [...readFileSync(path, "utf8").matchAll(/from "([^"]+)"/g)].map((m) => m[1] ?? "");
      for (const spec of imports) {
        expect(
          spec.startsWith(".") || spec === "@pagoda/errors",
          `${relative(SRC, path)} imports ${spec}`,
        ).toBe(true);
      }
    }
  });

  it("keeps the core index free of the prometheus folder", () => {
    expect(readFileSync(join(SRC, "index.ts"), "utf8")).not.toContain("prometheus/");
  });
});
