import { open } from "node:fs/promises";
import { safetensorsChunks, type TensorToWrite } from "./writer.js";

/**
 * Writes a safetensors file to `path` (Node only), one tensor at a time: with lazy `data`
 * functions, memory stays at one tensor however big the file.
 */
export async function writeSafetensorsFile(
  path: string,
  tensors: readonly TensorToWrite[],
  metadata?: Readonly<Record<string, string>>,
): Promise<void> {
  const handle = await open(path, "w");
  try {
    for (const chunk of safetensorsChunks(tensors, metadata)) await handle.write(chunk);
  } finally {
    await handle.close();
  }
}
