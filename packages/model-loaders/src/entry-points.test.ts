import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = dirname(fileURLToPath(import.meta.url));

/** Every module specifier reached from `entry` by static value imports (type-only ones are erased). */
function staticGraph(entry: string): { files: Set<string>; external: Set<string> } {
  const files = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^;]*?\sfrom\s+)?"([^"]+)";/gms)) {
      const spec = m[1] as string;
      if (spec.startsWith(".")) visit(join(dirname(file), spec.replace(/\.js$/, ".ts")));
      else external.add(spec);
    }
  };
  visit(join(src, entry));
  return { files, external };
}

describe("entry points", () => {
  it("the main entry never statically reaches Node built-ins, so browser bundles stay fs-free", () => {
    const { files, external } = staticGraph("index.ts");
    expect(files.size).toBeGreaterThan(20);
    expect([...external].sort()).toEqual([
      "@huggingface/jinja",
      "@huggingface/tokenizers",
      "@pagoda/errors",
      "@pagoda/numerics",
    ]);
  });

  it("the node entry holds the file-system and hub code", () => {
    const { external } = staticGraph("node.ts");
    expect(external).toContain("node:fs/promises");
    expect(external).toContain("@huggingface/hub");
  });
});
