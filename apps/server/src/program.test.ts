import { describe, expect, it } from "vitest";
import { run } from "./program.js";

function capture() {
  const io = { outText: "", errText: "" };
  return Object.assign(io, {
    out: (s: string) => {
      io.outText += s;
    },
    err: (s: string) => {
      io.errText += s;
    },
  });
}

describe("pagoda CLI", () => {
  it("lists its commands in --help", async () => {
    const io = capture();
    const code = await run(["--help"], io);
    expect(code).toBe(0);
    for (const cmd of ["serve", "generate", "bench"]) expect(io.outText).toContain(cmd);
  });

  it("rejects an unknown command with exit code 1 and a reason", async () => {
    const io = capture();
    const code = await run(["frobnicate"], io);
    expect(code).toBe(1);
    expect(io.errText).toMatch(/unknown command 'frobnicate'/);
  });

  it("says plainly that a planned command is not built yet, without a stack trace", async () => {
    const io = capture();
    const code = await run(["serve", "--port", "8000"], io);
    expect(code).toBe(1);
    expect(io.errText).toBe("pagoda: 'pagoda serve' is not built yet (tracked as issue 10).\n");
  });
});
