import { isPagodaError, PagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { HttpError } from "../index.js";

describe("HttpError", () => {
  it("is a Pagoda error carrying its code, details and cause", () => {
    const cause = new SyntaxError("Unexpected token");
    const err = new HttpError("request.invalid_json", "the body is not valid JSON", {
      cause,
      details: { param: null, bytes: 12 },
    });
    expect(err).toBeInstanceOf(PagodaError);
    expect(err.name).toBe("HttpError");
    expect(err.code).toBe("request.invalid_json");
    expect(err.details).toEqual({ param: null, bytes: 12 });
    expect(err.cause).toBe(cause);
    expect(isPagodaError(err, "request.")).toBe(true);
  });
});
