import { GgufError } from "../errors.js";
import type { GgufValue } from "../tools/gguf/gguf-types.js";

const INTEGER_TYPES = new Set(["u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64"]);

/** Typed reads of a GGUF file's key/values; a missing or mistyped key throws naming it. */
export class GgufMetadata {
  constructor(
    /** Every key/value in file order. */
    readonly entries: ReadonlyMap<string, GgufValue>,
    /** The file, for messages. */
    readonly file: string,
  ) {}

  /** Throws `gguf.<code>` naming the file. */
  fail(code: string, reason: string, details: Record<string, unknown> = {}): never {
    throw new GgufError(`gguf.${code}`, `${this.file}: ${reason}`, {
      details: { file: this.file, ...details },
    });
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  private get(key: string, required: boolean): GgufValue | undefined {
    const v = this.entries.get(key);
    if (v === undefined && required) this.fail("missing_key", `metadata key ${key} is missing`, { key });
    return v;
  }

  private bad(key: string, want: string, v: GgufValue): never {
    const got = v.type === "array" ? `an array of ${v.itemType}` : `${v.type} ${String(v.value)}`;
    return this.fail("bad_value", `metadata key ${key} must be ${want}, got ${got}`, { key });
  }

  /** A non-negative integer of any integer type; absent → `fallback` (or `gguf.missing_key`). */
  uint(key: string, fallback?: number): number {
    const v = this.get(key, fallback === undefined);
    if (v === undefined) return fallback as number;
    const n = v.type !== "array" && INTEGER_TYPES.has(v.type) ? Number(v.value) : -1;
    if (!Number.isSafeInteger(n) || n < 0) this.bad(key, "a non-negative integer", v);
    return n;
  }

  /** A number of any numeric type; absent → `fallback` (or `gguf.missing_key`). */
  number(key: string, fallback?: number): number {
    const v = this.get(key, fallback === undefined);
    if (v === undefined) return fallback as number;
    if (v.type === "array" || v.type === "string" || v.type === "bool") this.bad(key, "a number", v);
    return Number(v.value);
  }

  /** A string; absent → `null` unless `required`. */
  string(key: string, required: true): string;
  string(key: string, required?: boolean): string | null;
  string(key: string, required = false): string | null {
    const v = this.get(key, required);
    if (v === undefined) return null;
    if (v.type !== "string") this.bad(key, "a string", v);
    return v.value;
  }

  /** A bool; absent → `fallback`. */
  bool(key: string, fallback: boolean): boolean {
    const v = this.get(key, false);
    if (v === undefined) return fallback;
    if (v.type !== "bool") this.bad(key, "a bool", v);
    return v.value;
  }

  /** An array of strings; absent → `null` unless `required`. */
  strings(key: string, required: true): readonly string[];
  strings(key: string, required?: boolean): readonly string[] | null;
  strings(key: string, required = false): readonly string[] | null {
    const v = this.get(key, required);
    if (v === undefined) return null;
    if (v.type !== "array" || v.itemType !== "string") this.bad(key, "an array of strings", v);
    return v.value as readonly string[];
  }

  /** An array of numbers (any numeric item type); absent → `null`. */
  numbers(key: string): ArrayLike<number> | null {
    const v = this.get(key, false);
    if (v === undefined) return null;
    if (v.type !== "array" || ["string", "bool", "u64", "i64"].includes(v.itemType))
      this.bad(key, "an array of 8- to 32-bit numbers", v);
    return v.value as ArrayLike<number>;
  }
}
