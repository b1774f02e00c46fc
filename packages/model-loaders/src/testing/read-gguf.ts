// A small GGUF reader for tests: parses what the writer wrote, independently of its code.

export type GgufReadValue = number | bigint | boolean | string | GgufReadValue[];

export interface GgufReadTensor {
  name: string;
  dims: number[];
  /** ggml type code (0 F32, 1 F16, 2 Q4_0, 8 Q8_0, 12 Q4_K, 14 Q6_K). */
  type: number;
  /** Relative to the data section. */
  offset: number;
}

export interface GgufFile {
  version: number;
  metadata: Map<string, { type: number; value: GgufReadValue }>;
  tensors: GgufReadTensor[];
  /** Absolute offset of the data section. */
  dataStart: number;
  bytes: Uint8Array;
  /** A tensor's bytes (rows of `dims[0]` elements in whole blocks). */
  data(name: string): Uint8Array;
}

// [elements, bytes] of one block per ggml type code, from the GGUF spec (not the writer's table).
const BLOCKS: Record<number, [number, number]> = {
  0: [1, 4],
  1: [1, 2],
  2: [32, 18],
  8: [32, 34],
  12: [256, 144],
  14: [256, 210],
};

/** Parses a whole GGUF v3 file held in memory. */
export function readGguf(bytes: Uint8Array): GgufFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const u32 = () => {
    const v = view.getUint32(at, true);
    at += 4;
    return v;
  };
  const u64 = () => {
    const v = view.getBigUint64(at, true);
    at += 8;
    return Number(v);
  };
  const str = () => {
    const n = u64();
    const s = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(at, at + n));
    at += n;
    return s;
  };
  const value = (type: number): GgufReadValue => {
    const take = <T>(n: number, get: (o: number) => T): T => {
      const v = get(at);
      at += n;
      return v;
    };
    switch (type) {
      case 0:
        return take(1, (o) => view.getUint8(o));
      case 1:
        return take(1, (o) => view.getInt8(o));
      case 2:
        return take(2, (o) => view.getUint16(o, true));
      case 3:
        return take(2, (o) => view.getInt16(o, true));
      case 4:
        return take(4, (o) => view.getUint32(o, true));
      case 5:
        return take(4, (o) => view.getInt32(o, true));
      case 6:
        return take(4, (o) => view.getFloat32(o, true));
      case 7:
        return take(1, (o) => view.getUint8(o) !== 0);
      case 8:
        return str();
      case 9: {
        const itemType = u32();
        const n = u64();
        return Array.from({ length: n }, () => value(itemType));
      }
      case 10:
        return take(8, (o) => view.getBigUint64(o, true));
      case 11:
        return take(8, (o) => view.getBigInt64(o, true));
      case 12:
        return take(8, (o) => view.getFloat64(o, true));
      default:
        throw new Error(`unknown GGUF value type ${type} at byte ${at}`);
    }
  };
  if (u32() !== 0x46554747) throw new Error("not a GGUF file");
  const version = u32();
  const numTensors = u64();
  const numKv = u64();
  const metadata = new Map<string, { type: number; value: GgufReadValue }>();
  for (let i = 0; i < numKv; i++) {
    const key = str();
    const type = u32();
    metadata.set(key, { type, value: value(type) });
  }
  const tensors: GgufReadTensor[] = [];
  for (let i = 0; i < numTensors; i++) {
    const name = str();
    const nDims = u32();
    const dims = Array.from({ length: nDims }, u64);
    tensors.push({ name, dims, type: u32(), offset: u64() });
  }
  const alignment = Number(metadata.get("general.alignment")?.value ?? 32);
  const dataStart = Math.ceil(at / alignment) * alignment;
  return {
    version,
    metadata,
    tensors,
    dataStart,
    bytes,
    data(name) {
      const t = tensors.find((x) => x.name === name);
      if (!t) throw new Error(`no tensor ${name}`);
      const [elements, size] = BLOCKS[t.type] ?? [Number.NaN, Number.NaN];
      const n = (t.dims.reduce((a, b) => a * b, 1) / elements) * size;
      return bytes.subarray(dataStart + t.offset, dataStart + t.offset + n);
    },
  };
}
