import { describe, expect, it } from "vitest";
import {
  arrayElements,
  arrayElementsAfter,
  arrayElementTexts,
  compactJson,
  JsonCompactor,
  objectMembers,
  valueEnd,
} from "./json-scan.js";

describe("json-scan", () => {
  it("finds where values end, and says null while the text may still grow", () => {
    const t = '{"a": [1, "x]}\\"", {"b": null}], "c": 2} tail';
    expect(valueEnd(t, 0)).toBe(t.indexOf(" tail"));
    expect(valueEnd('"ab\\"c" x', 0)).toBe(7);
    expect(valueEnd('{"a": "}', 0)).toBeNull(); // inside a string
    expect(valueEnd("123", 0)).toBeNull(); // a number at the end may go on
    expect(valueEnd("123,", 0)).toBe(3);
    expect(valueEnd("", 0)).toBeNull();
  });

  it("lists an object's members as far as the text goes, and rejects broken shapes", () => {
    const t = '{"name": "f", "arguments": {"x": 1}}';
    const whole = objectMembers(t, 0);
    expect(whole?.end).toBe(t.length);
    expect(whole?.members.map((m) => [m.key, t.slice(m.valueStart, m.valueEnd ?? undefined)])).toEqual([
      ["name", '"f"'],
      ["arguments", '{"x": 1}'],
    ]);
    const open = objectMembers('{"name": "f", "arguments": {"x', 0);
    expect(open?.end).toBeNull();
    expect(open?.members.at(-1)).toMatchObject({ key: "arguments", valueEnd: null });
    expect(objectMembers('{"a" 1}', 0)).toBeNull();
    expect(objectMembers("[1]", 0)).toBeNull();
    expect(objectMembers("{ }", 0)).toEqual({ members: [], end: 3 });
  });

  it("lists array elements and their texts", () => {
    expect(arrayElements('[1, {}, "a"]', 0)).toEqual([1, 4, 8]);
    expect(arrayElements("[1 2]", 0)).toBeNull();
    expect(arrayElementTexts(' [ {"a": 1} , [2] ] ')).toEqual(['{"a": 1}', "[2]"]);
    // Resumed after an element: the same starts as the whole scan from there on.
    expect(arrayElementsAfter('[1, {}, "a"]', 2)).toEqual([4, 8]);
    expect(arrayElementsAfter('[1, {}, "a"]', 6)).toEqual([8]);
    expect(arrayElementsAfter("[1, {} ]", 6)).toEqual([]);
    expect(arrayElementsAfter("[1, {} ", 6)).toEqual([]);
    expect(arrayElementsAfter("[1, {} 2]", 6)).toBeNull();
  });

  it("compacts outside strings only, the same fed whole or piece by piece", () => {
    const t = '{ "a b" : [ 1 ,\n 2.50 ] , "q": "x \\" y" }';
    expect(compactJson(t)).toBe('{"a b":[1,2.50],"q":"x \\" y"}');
    const c = new JsonCompactor();
    expect([...t].map((ch) => c.push(ch)).join("")).toBe(compactJson(t));
  });
});
