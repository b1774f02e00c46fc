import { SafetensorsError } from "../errors.js";
import { DTYPES, type DType, dtypeSize, isDType } from "./dtype.js";

/** The largest header this reader accepts, as the reference implementation does. */
export const MAX_HEADER_BYTES = 100_000_000;

/** One tensor's entry in a safetensors header; offsets are relative to the data section. */
export interface TensorInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Byte range `[begin, end)` inside the data section. */
  readonly begin: number;
  readonly end: number;
}

/** A validated safetensors header. */
export interface SafetensorsHeader {
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  /** The `__metadata__` string map, kept as written (empty when absent). */
  readonly metadata: Readonly<Record<string, string>>;
  /** File offset of the data section: 8 + header length. */
  readonly dataStart: number;
}

interface FileRef {
  readonly name: string;
  readonly size: number;
}

function fail(file: FileRef, code: string, reason: string, details: Record<string, unknown> = {}): never {
  throw new SafetensorsError(`safetensors.${code}`, `${file.name}: ${reason}`, {
    details: { file: file.name, ...details },
  });
}

/**
 * Reads and checks the 8-byte little-endian header length, before anything is allocated for the
 * header: it must be at most {@link MAX_HEADER_BYTES} and fit in the file.
 */
export function readHeaderLength(prefix: Uint8Array, file: FileRef): number {
  if (file.size === 0) fail(file, "empty", "the file is empty (0 bytes), not a safetensors file");
  if (file.size < 8 || prefix.length < 8) {
    fail(file, "truncated", `the file has ${file.size} bytes, fewer than the 8-byte header length prefix`);
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const length = high * 2 ** 32 + low;
  if (high !== 0 || length > MAX_HEADER_BYTES) {
    fail(file, "header_too_large", `header length ${length} exceeds the ${MAX_HEADER_BYTES}-byte limit`, {
      headerLength: length,
    });
  }
  if (length > file.size - 8) {
    fail(
      file,
      "truncated",
      `header length ${length} runs past the end of the file (${file.size - 8} bytes after the prefix)`,
      { headerLength: length },
    );
  }
  return length;
}

/** Parses and validates header JSON bytes; `dataStart` is 8 + their length. */
export function parseHeader(bytes: Uint8Array, file: FileRef): SafetensorsHeader {
  const dataStart = 8 + bytes.length;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    fail(file, "bad_header", "the header is not valid UTF-8");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    fail(file, "invalid_json", `the header is not valid JSON (${(cause as Error).message})`);
  }
  if (!isRecord(json)) fail(file, "bad_header", "the header JSON is not an object");
  const dataSize = file.size - dataStart;
  let metadata: Record<string, string> = {};
  const tensors = new Map<string, TensorInfo>();
  for (const [name, entry] of Object.entries(json)) {
    if (name === "__metadata__") metadata = parseMetadata(entry, file);
    else tensors.set(name, parseEntry(name, entry, file));
  }
  checkLayout([...tensors.values()], dataSize, file);
  return { tensors, metadata, dataStart };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function parseMetadata(entry: unknown, file: FileRef): Record<string, string> {
  if (!isRecord(entry) || !Object.values(entry).every((v) => typeof v === "string")) {
    fail(file, "bad_header", "__metadata__ must be an object of string values");
  }
  return entry as Record<string, string>;
}

function parseEntry(name: string, entry: unknown, file: FileRef): TensorInfo {
  if (!isRecord(entry))
    fail(file, "bad_header", `tensor "${name}": entry is not an object`, { tensor: name });
  const { dtype, shape, data_offsets: offsets } = entry;
  if (typeof dtype !== "string")
    fail(file, "bad_header", `tensor "${name}": dtype is missing`, { tensor: name });
  if (!isDType(dtype)) {
    fail(file, "unknown_dtype", `tensor "${name}": unknown dtype "${dtype}" (known: ${DTYPES.join(", ")})`, {
      tensor: name,
      dtype,
    });
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    fail(file, "bad_header", `tensor "${name}": shape must be an array of non-negative integers`, {
      tensor: name,
    });
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every(isCount) ||
    (offsets[0] as number) > (offsets[1] as number)
  ) {
    fail(file, "bad_header", `tensor "${name}": data_offsets must be [begin, end] with 0 <= begin <= end`, {
      tensor: name,
    });
  }
  const [begin, end] = offsets as [number, number];
  const numel = shape.reduce((a: number, b: number) => a * b, 1);
  const expected = numel * dtypeSize(dtype);
  if (!Number.isSafeInteger(expected) || expected !== end - begin) {
    fail(
      file,
      "size_mismatch",
      `tensor "${name}": shape [${shape.join(", ")}] of ${dtype} needs ${expected} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`,
      { tensor: name, shape, dtype, expectedBytes: expected, actualBytes: end - begin },
    );
  }
  return { name, dtype, shape, begin, end };
}

// Overlaps are always an error; a range past the end is reported as truncation when the tensors
// tile the data section from 0 without gaps (the header is consistent, the file was cut short).
function checkLayout(infos: TensorInfo[], dataSize: number, file: FileRef): void {
  const sorted = infos.filter((t) => t.end > t.begin).sort((a, b) => a.begin - b.begin);
  let contiguous = true;
  let prev: TensorInfo | undefined;
  for (const t of sorted) {
    if (prev && t.begin < prev.end) {
      fail(
        file,
        "overlap",
        `tensors "${prev.name}" [${prev.begin}, ${prev.end}) and "${t.name}" [${t.begin}, ${t.end}) overlap in the data section`,
        { tensors: [prev.name, t.name] },
      );
    }
    if (t.begin !== (prev?.end ?? 0)) contiguous = false;
    prev = t;
  }
  const last = sorted.at(-1);
  if (!last || last.end <= dataSize) return;
  if (contiguous) {
    fail(
      file,
      "truncated",
      `the file is truncated: its tensors need ${last.end} bytes of data but only ${dataSize} follow the header (${last.end - dataSize} missing)`,
      { needed: last.end, available: dataSize },
    );
  }
  const bad = sorted.find((t) => t.end > dataSize) as TensorInfo;
  fail(
    file,
    "offset_out_of_bounds",
    `tensor "${bad.name}": data_offsets [${bad.begin}, ${bad.end}] lie outside the ${dataSize}-byte data section`,
    { tensor: bad.name, begin: bad.begin, end: bad.end, dataSize },
  );
}
