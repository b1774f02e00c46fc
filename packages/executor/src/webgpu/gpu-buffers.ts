import { createStorageBuffer } from "@pagoda/kernels-wgsl";

/**
 * Every buffer one executor creates, so `close()` can destroy them all and tests can check that
 * a step creates none (`created` stays put across decode steps).
 */
export class GpuBuffers {
  private readonly owned = new Set<GPUBuffer>();
  private count = 0;

  constructor(readonly device: GPUDevice) {}

  /** How many buffers were created (or adopted) since construction. */
  get created(): number {
    return this.count;
  }

  /** Bytes held by the live buffers. */
  get liveBytes(): number {
    let bytes = 0;
    for (const b of this.owned) bytes += b.size;
    return bytes;
  }

  /** A zeroed storage buffer (also COPY_SRC / COPY_DST) of at least `bytes`. */
  storage(label: string, bytes: number): GPUBuffer {
    return this.adopt(createStorageBuffer(this.device, label, bytes));
  }

  /** A storage buffer holding `data`. */
  storageWith(label: string, data: Float32Array): GPUBuffer {
    return this.adopt(createStorageBuffer(this.device, label, data));
  }

  /** A buffer the host maps to read what the GPU copied into it. */
  readback(label: string, bytes: number): GPUBuffer {
    return this.adopt(
      this.device.createBuffer({
        label,
        size: Math.max(4, Math.ceil(bytes / 4) * 4),
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      }),
    );
  }

  /** A copy source the host fills with `queue.writeBuffer` (uploads go through it). */
  upload(label: string, bytes: number): GPUBuffer {
    return this.adopt(
      this.device.createBuffer({
        label,
        size: Math.max(4, Math.ceil(bytes / 4) * 4),
        usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      }),
    );
  }

  /** Takes ownership of a buffer made elsewhere (e.g. the parts of an uploaded weight matrix). */
  adopt(buffer: GPUBuffer): GPUBuffer {
    this.owned.add(buffer);
    this.count++;
    return buffer;
  }

  /** Destroys one buffer (when a growable buffer is replaced by a larger one). */
  release(buffer: GPUBuffer): void {
    if (this.owned.delete(buffer)) buffer.destroy();
  }

  /** Destroys every buffer still held. */
  destroyAll(): void {
    for (const b of this.owned) b.destroy();
    this.owned.clear();
  }
}
