import { ModelConfigError } from "../errors.js";

/** Typed access to the fields of one JSON config, with errors that name the file and the field. */
export class ConfigFields {
  constructor(
    readonly json: Readonly<Record<string, unknown>>,
    readonly file: string,
  ) {}

  /** Throws `config.<code>` with the file name in front of `reason`. */
  fail(code: string, reason: string, details: Record<string, unknown> = {}): never {
    throw new ModelConfigError(`config.${code}`, `${this.file}: ${reason}`, {
      details: { file: this.file, ...details },
    });
  }

  has(key: string): boolean {
    return this.json[key] !== undefined && this.json[key] !== null;
  }

  private invalid(key: string, want: string): never {
    return this.fail("invalid_field", `"${key}" must be ${want}, got ${JSON.stringify(this.json[key])}`, {
      field: key,
      value: this.json[key],
    });
  }

  /** A positive integer; `fallback` when absent (absent without fallback is an error). */
  positiveInt(key: string, fallback?: number): number {
    if (!this.has(key)) return fallback ?? this.fail("invalid_field", `"${key}" is missing`, { field: key });
    const v = this.json[key];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) this.invalid(key, "a positive integer");
    return v as number;
  }

  /** A finite number > 0; `fallback` when absent. */
  positiveNumber(key: string, fallback: number): number {
    if (!this.has(key)) return fallback;
    const v = this.json[key];
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) this.invalid(key, "a positive number");
    return v as number;
  }

  /** A boolean; `fallback` when absent. */
  bool(key: string, fallback: boolean): boolean {
    if (!this.has(key)) return fallback;
    const v = this.json[key];
    if (typeof v !== "boolean") this.invalid(key, "true or false");
    return v as boolean;
  }

  /** A string, or `null` when absent. */
  string(key: string): string | null {
    if (!this.has(key)) return null;
    const v = this.json[key];
    if (typeof v !== "string") this.invalid(key, "a string");
    return v as string;
  }

  /** A token id (non-negative integer) or `null`. */
  tokenId(key: string): number | null {
    if (!this.has(key)) return null;
    const v = this.json[key];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) this.invalid(key, "a token id");
    return v as number;
  }

  /** A token id or a list of them, as a list (empty when absent). */
  tokenIds(key: string): number[] {
    if (!this.has(key)) return [];
    const v = this.json[key];
    const list = Array.isArray(v) ? v : [v];
    if (!list.every((x) => typeof x === "number" && Number.isSafeInteger(x) && x >= 0)) {
      this.invalid(key, "a token id or a list of token ids");
    }
    return [...new Set(list as number[])];
  }
}
