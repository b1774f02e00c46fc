import { KernelError } from "./kernel-error.js";

/** Typed arrays a buffer can be created from. */
export type BufferData = Float32Array | Int32Array | Uint32Array | Uint16Array;

// Read at call time: in Node the GPUBufferUsage global exists only once a device was requested.
function storageUsage(): number {
  return GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
}

/** Byte sizes are rounded up to 4 because `writeBuffer` and bindings work in whole words. */
export function alignTo(bytes: number, alignment: number): number {
  return Math.ceil(bytes / alignment) * alignment;
}

/**
 * A labelled storage buffer (also COPY_SRC/COPY_DST) holding `data`, or zeroed with `data` bytes.
 *
 * @example
 * const x = createStorageBuffer(device, "layer0.x", new Float32Array(1024));
 */
export function createStorageBuffer(
  device: GPUDevice,
  label: string,
  data: BufferData | number,
  extraUsage = 0,
): GPUBuffer {
  const bytes = typeof data === "number" ? data : data.byteLength;
  if (!Number.isInteger(bytes) || bytes < 0) {
    throw new KernelError("buffer.bad_size", `buffer ${label}: size ${bytes} is not a byte count`);
  }
  const buffer = device.createBuffer({
    label,
    size: Math.max(4, alignTo(bytes, 4)),
    usage: storageUsage() | extraUsage,
  });
  if (typeof data !== "number" && data.byteLength > 0) writeData(device, buffer, 0, data);
  return buffer;
}

/** A labelled uniform buffer of `bytes` (rounded to 16), writable with `queue.writeBuffer`. */
export function createUniformBuffer(device: GPUDevice, label: string, bytes: number): GPUBuffer {
  return device.createBuffer({
    label,
    size: alignTo(Math.max(bytes, 16), 16),
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
}

/** Writes a typed array at `byteOffset`, padding an odd-length 16-bit array to a whole word. */
export function writeData(device: GPUDevice, buffer: GPUBuffer, byteOffset: number, data: BufferData): void {
  if (data.byteLength % 4 === 0) {
    device.queue.writeBuffer(buffer, byteOffset, data.buffer, data.byteOffset, data.byteLength);
    return;
  }
  const padded = new Uint8Array(alignTo(data.byteLength, 4));
  padded.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  device.queue.writeBuffer(buffer, byteOffset, padded);
}

/**
 * Copies `size` bytes of `buffer` (from `offset`) into a fresh mappable buffer and returns them.
 * One copy and one `mapAsync`; meant for tests, the benchmark and reading sampled tokens.
 */
export async function readBuffer(
  device: GPUDevice,
  buffer: GPUBuffer,
  size: number,
  offset = 0,
): Promise<ArrayBuffer> {
  const bytes = alignTo(size, 4);
  const staging = device.createBuffer({
    label: `${buffer.label}.readback`,
    size: Math.max(bytes, 4),
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const encoder = device.createCommandEncoder({ label: `${buffer.label}.readback` });
  if (bytes > 0) encoder.copyBufferToBuffer(buffer, offset, staging, 0, bytes);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = staging.getMappedRange().slice(0, size);
  staging.unmap();
  staging.destroy();
  return out;
}

/** `readBuffer` as `count` f32 values. */
export async function readF32(device: GPUDevice, buffer: GPUBuffer, count: number, offset = 0) {
  return new Float32Array(await readBuffer(device, buffer, count * 4, offset));
}
