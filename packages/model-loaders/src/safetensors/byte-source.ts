import { SafetensorsError } from "../errors.js";

/**
 * Random access to the bytes of one file, so a multi-gigabyte model is read tensor by tensor and
 * never held whole. Node reads through a file handle (`@pagoda/model-loaders/node`); browsers
 * wrap an `ArrayBuffer` or a fetched `Response` ({@link memoryByteSource}, {@link responseByteSource}).
 */
export interface ByteSource {
  /** The file's path or label, used in error messages. */
  readonly name: string;
  /** Total size in bytes. */
  readonly size: number;
  /** Fills `target` with the bytes at `[offset, offset + target.length)`; rejects past the end. */
  readInto(offset: number, target: Uint8Array): Promise<void>;
  /** Releases the underlying handle; reads after this reject. */
  close(): Promise<void>;
}

/** Throws the error every source gives for a read past its end. */
export function checkRange(source: { name: string; size: number }, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset + length > source.size) {
    throw new SafetensorsError(
      "safetensors.truncated",
      `${source.name}: read of ${length} bytes at offset ${offset} runs past the end of the file (${source.size} bytes)`,
      { details: { file: source.name, offset, length, size: source.size } },
    );
  }
}

/** The error every source gives for a read after `close()`. */
export function closedError(name: string): SafetensorsError {
  return new SafetensorsError("safetensors.closed", `${name}: read after the model was closed`, {
    details: { file: name },
  });
}

/** A {@link ByteSource} over bytes already in memory (a browser download, a test fixture). */
export function memoryByteSource(name: string, data: ArrayBuffer | Uint8Array): ByteSource {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  let closed = false;
  const source: ByteSource = {
    name,
    size: bytes.length,
    async readInto(offset, target) {
      if (closed) throw closedError(name);
      checkRange(source, offset, target.length);
      target.set(bytes.subarray(offset, offset + target.length));
    },
    async close() {
      closed = true;
    },
  };
  return source;
}

/** A {@link ByteSource} over a fetched `Response` (its whole body is read once, into memory). */
export async function responseByteSource(name: string, response: Response): Promise<ByteSource> {
  if (!response.ok) {
    throw new SafetensorsError(
      "safetensors.missing_file",
      `${name}: HTTP ${response.status} ${response.statusText} while fetching it`,
      { details: { file: name, status: response.status } },
    );
  }
  return memoryByteSource(name, await response.arrayBuffer());
}
