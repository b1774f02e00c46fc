import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as zm from "zod/mini";
import { formatParamPath, fromZodError, HttpError, isZodError } from "../index.js";

function zodError(schema: z.core.$ZodType, input: unknown): z.core.$ZodError {
  const r = z.safeParse(schema, input);
  if (r.success) throw new Error("expected a validation failure");
  return r.error;
}

describe("formatParamPath", () => {
  it.each([
    [[], null],
    [["model"], "model"],
    [["messages", 0, "content"], "messages[0].content"],
    [["stop", 2], "stop[2]"],
    [["a", "b", 10, 3, "c"], "a.b[10][3].c"],
  ])("%j → %j", (path, want) => {
    expect(formatParamPath(path)).toBe(want);
  });
});

describe("fromZodError", () => {
  it("names the first bad field of several", () => {
    const schema = z.object({ model: z.string(), max_tokens: z.int().min(1) });
    const e = fromZodError(zodError(schema, { model: 3, max_tokens: 0 }));
    expect(e).toBeInstanceOf(HttpError);
    expect(e.code).toBe("request.invalid");
    expect(e.details?.param).toBe("model");
    expect(e.message).toMatch(/^model: .*expected string/);
  });

  it("names an unknown field itself, not the object holding it", () => {
    const schema = z.strictObject({ messages: z.array(z.strictObject({ role: z.string() })) });
    const e = fromZodError(zodError(schema, { messages: [{ role: "user", nmae: "x" }] }));
    expect(e.details?.param).toBe("messages[0].nmae");
    expect(e.message).toBe("messages[0].nmae: Unrecognized field");
  });

  it("gives param null when the whole body is wrong", () => {
    const e = fromZodError(zodError(z.object({ model: z.string() }), "not an object"));
    expect(e.details?.param).toBeNull();
    expect(e.message).toMatch(/^request body: .*expected object/);
  });

  it("keeps the zod error as the cause, for the server's log", () => {
    const z1 = zodError(z.string(), 1);
    expect(fromZodError(z1).cause).toBe(z1);
  });
});

describe("isZodError", () => {
  it("recognises classic and zod/mini errors, and nothing else", () => {
    expect(isZodError(zodError(z.string(), 1))).toBe(true);
    const mini = zm.string().safeParse(1);
    expect(isZodError(mini.error)).toBe(true);
    expect(isZodError(new Error("x"))).toBe(false);
    expect(isZodError({ issues: [] })).toBe(false);
  });
});
