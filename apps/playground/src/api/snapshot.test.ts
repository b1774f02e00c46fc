import { isPagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { snapshotAt } from "../testing/snapshot-fixtures.js";
import { parseSnapshot } from "./snapshot.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isPagodaError(err) ? err.code : "not a PagodaError";
  }
  return undefined;
}

describe("parseSnapshot", () => {
  it("returns a well-formed snapshot unchanged", () => {
    const s = snapshotAt(2);
    expect(parseSnapshot(JSON.stringify(s))).toEqual(s);
  });

  it.each([
    ["not JSON", "{"],
    ["no time", JSON.stringify({ ...snapshotAt(1), time: "soon" })],
    ["short states", JSON.stringify({ ...snapshotAt(1), kv: { ...snapshotAt(1).kv, states: ["used"] } })],
    [
      "unknown state",
      JSON.stringify({ ...snapshotAt(1), kv: { ...snapshotAt(1).kv, states: Array(8).fill("busy") } }),
    ],
    [
      "block out of range",
      JSON.stringify({ ...snapshotAt(1), kv: { ...snapshotAt(1).kv, tables: { x: [8] } } }),
    ],
    ["queues missing", JSON.stringify({ ...snapshotAt(1), queues: { running: [] } })],
    ["metrics missing", JSON.stringify({ ...snapshotAt(1), metrics: null })],
  ])("rejects a snapshot with %s", (_what, data) => {
    expect(codeOf(() => parseSnapshot(data))).toBe("feed.bad_snapshot");
  });
});
