import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// The README shows the third-party policy and its test verbatim; the acceptance test
// (apps/server/src/policy-by-path.e2e.test.ts) runs these very files from a temp folder.
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

describe("the README's third-party policy", () => {
  it("is examples/shortest-first.js and its test, verbatim", () => {
    const readme = read("README.md");
    expect(readme).toContain(`\`\`\`js\n${read("examples/shortest-first.js")}\`\`\``);
    expect(readme).toContain(`\`\`\`js\n${read("examples/shortest-first.test.js")}\`\`\``);
  });
});
