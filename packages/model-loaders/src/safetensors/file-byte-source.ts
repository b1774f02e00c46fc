import { open } from "node:fs/promises";
import { type ByteSource, checkRange, closedError } from "./byte-source.js";

// FileHandle.read takes at most 2 GiB per call.
const MAX_READ = 1 << 30;

/**
 * A {@link ByteSource} over a file on disk (Node only): positioned reads on one file handle, so
 * nothing is read until a tensor asks for it and concurrent reads do not interfere.
 */
export async function openFileByteSource(path: string): Promise<ByteSource> {
  const handle = await open(path, "r");
  const { size } = await handle.stat();
  let closed = false;
  const source: ByteSource = {
    name: path,
    size,
    async readInto(offset, target) {
      if (closed) throw closedError(path);
      checkRange(source, offset, target.length);
      let done = 0;
      while (done < target.length) {
        const length = Math.min(MAX_READ, target.length - done);
        const { bytesRead } = await handle.read(target, done, length, offset + done);
        // The file shrank after it was opened.
        if (bytesRead === 0)
          checkRange({ name: path, size: offset + done }, offset + done, target.length - done);
        done += bytesRead;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await handle.close();
    },
  };
  return source;
}
