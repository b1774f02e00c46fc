import type { PagodaDevice } from "../device/request-device.js";
import { KernelError } from "./kernel-error.js";
import { UNIFORM_SLOT_BYTES } from "./uniforms.js";

/** A storage binding: a whole buffer or a range of one. */
export type BufferRef = GPUBuffer | { buffer: GPUBuffer; offset?: number; size?: number };

/** Workgroup counts of one dispatch; use {@link grid} for counts that may pass 65,535. */
export type Workgroups = readonly [number, number?, number?];

const SLOTS_PER_CHUNK = 256; // 64 KiB, the smallest maxUniformBufferBindingSize allowed

interface Slot {
  readonly buffer: GPUBuffer;
  readonly offset: number;
  readonly bytes: Uint8Array; // what the GPU copy holds, to skip unchanged writes
  bindGroup?: GPUBindGroup;
  pipeline?: GPUComputePipeline;
  resourceKey?: string;
}

const bufferIds = new WeakMap<GPUBuffer, number>();
let nextBufferId = 1;
function bufferId(buffer: GPUBuffer): number {
  let id = bufferIds.get(buffer);
  if (id === undefined) {
    id = nextBufferId++;
    bufferIds.set(buffer, id);
  }
  return id;
}

/**
 * What every `encodeX` launcher needs besides its arguments: the device and a recording cursor
 * over reusable uniform slots and bind groups.
 *
 * Each dispatch takes the next slot. A slot keeps its uniform bytes and its bind group, so when a
 * forward pass records the same kernels over the same buffers as last step, no bind group is made
 * and only changed uniforms are written. Call {@link reset} once per recorded command buffer,
 * after the previous one was submitted (queue order makes reusing the slots safe then). Binding
 * whole, max-batch-sized buffers keeps bind groups stable across batch sizes; binding ranges
 * whose size follows the batch makes a new bind group whenever that size changes.
 *
 * @example
 * const ctx = new KernelContext(await requestDevice());
 * ctx.reset();
 * const pass = encoder.beginComputePass();
 * encodeRmsNorm(pass, ctx, { ... }); encodeMatmul(pass, ctx, { ... });
 * pass.end(); device.queue.submit([encoder.finish()]);
 */
export class KernelContext {
  readonly gpu: PagodaDevice;
  private readonly slots: Slot[] = [];
  private readonly chunks: GPUBuffer[] = [];
  private cursor = 0;
  private created = 0;

  constructor(gpu: PagodaDevice) {
    this.gpu = gpu;
  }

  /** The GPU device. */
  get device(): GPUDevice {
    return this.gpu.device;
  }

  /** Starts a new recording: the next dispatch reuses slot 0 (its bind group when it still fits). */
  reset(): void {
    this.cursor = 0;
  }

  /** How many bind groups this context has created in all (to check that a step reuses them). */
  get bindGroupsCreated(): number {
    return this.created;
  }

  /** How many slots (uniform blocks and bind groups) the current recording has used. */
  get slotsUsed(): number {
    return this.cursor;
  }

  /**
   * Sets `pipeline` and a bind group `[uniforms, ...resources]` (bindings 0, 1, 2, …) on `pass`
   * and dispatches `workgroups`. Dispatches with a zero count are skipped.
   */
  dispatch(
    pass: GPUComputePassEncoder,
    pipeline: GPUComputePipeline,
    uniforms: Uint8Array,
    resources: readonly BufferRef[],
    workgroups: Workgroups,
  ): void {
    const [x, y = 1, z = 1] = workgroups;
    if (x === 0 || y === 0 || z === 0) return;
    const limit = this.device.limits.maxComputeWorkgroupsPerDimension;
    if (x > limit || y > limit || z > limit) {
      throw new KernelError(
        "dispatch.too_large",
        `${pipeline.label}: workgroups ${x}x${y}x${z} over ${limit}`,
      );
    }
    const slot = this.takeSlot(uniforms);
    const resourceKey = resources.map(refKey).join(",");
    if (slot.pipeline !== pipeline || slot.resourceKey !== resourceKey || !slot.bindGroup) {
      slot.bindGroup = this.device.createBindGroup({
        label: `${pipeline.label}#${this.cursor - 1}`,
        layout: pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: slot.buffer, offset: slot.offset, size: uniforms.byteLength } },
          ...resources.map((r, i) => ({ binding: i + 1, resource: toBinding(r) })),
        ],
      });
      this.created++;
      slot.pipeline = pipeline;
      slot.resourceKey = resourceKey;
    }
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, slot.bindGroup);
    pass.dispatchWorkgroups(x, y, z);
  }

  /** Encodes `record` in its own compute pass, submits it and resets the cursor (tests, bench). */
  submit(record: (pass: GPUComputePassEncoder) => void, label = "pagoda.run"): void {
    this.reset();
    const encoder = this.device.createCommandEncoder({ label });
    const pass = encoder.beginComputePass({ label });
    record(pass);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    this.reset();
  }

  /** Releases the uniform buffers; the context must not be used afterwards. */
  destroy(): void {
    for (const chunk of this.chunks) chunk.destroy();
    this.chunks.length = 0;
    this.slots.length = 0;
  }

  private takeSlot(uniforms: Uint8Array): Slot {
    if (uniforms.byteLength > UNIFORM_SLOT_BYTES || uniforms.byteLength % 16 !== 0) {
      throw new KernelError("uniform.bad_size", `uniform block of ${uniforms.byteLength} bytes`);
    }
    const index = this.cursor++;
    let slot = this.slots[index];
    if (!slot) {
      const chunkIndex = Math.floor(index / SLOTS_PER_CHUNK);
      let chunk = this.chunks[chunkIndex];
      if (!chunk) {
        chunk = this.device.createBuffer({
          label: `pagoda.uniforms.${chunkIndex}`,
          size: SLOTS_PER_CHUNK * UNIFORM_SLOT_BYTES,
          usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
        });
        this.chunks.push(chunk);
      }
      slot = {
        buffer: chunk,
        offset: (index % SLOTS_PER_CHUNK) * UNIFORM_SLOT_BYTES,
        bytes: new Uint8Array(UNIFORM_SLOT_BYTES + 1),
      };
      this.slots[index] = slot;
    }
    if (!sameBytes(slot.bytes, uniforms)) {
      this.device.queue.writeBuffer(slot.buffer, slot.offset, uniforms);
      slot.bytes.set(uniforms);
      slot.bytes[UNIFORM_SLOT_BYTES] = uniforms.byteLength; // a length change must also rewrite
    }
    return slot;
  }
}

function sameBytes(held: Uint8Array, next: Uint8Array): boolean {
  if (held[UNIFORM_SLOT_BYTES] !== next.byteLength) return false;
  for (let i = 0; i < next.byteLength; i++) if (held[i] !== next[i]) return false;
  return true;
}

function refKey(ref: BufferRef): string {
  if ("buffer" in ref) return `${bufferId(ref.buffer)}:${ref.offset ?? 0}:${ref.size ?? "all"}`;
  return `${bufferId(ref)}`;
}

function toBinding(ref: BufferRef): GPUBufferBinding {
  return "buffer" in ref ? ref : { buffer: ref };
}

/** Bytes a binding of `ref` covers. */
export function boundBytes(ref: BufferRef): number {
  if (!("buffer" in ref)) return ref.size;
  return ref.size ?? ref.buffer.size - (ref.offset ?? 0);
}

/**
 * Throws when `ref` covers fewer than `bytes`: out-of-range WebGPU accesses are clamped, not
 * reported, so a short buffer would otherwise give silently wrong results.
 */
export function requireBytes(ref: BufferRef, bytes: number, what: string): void {
  const have = boundBytes(ref);
  if (have < bytes) {
    const label = "buffer" in ref ? ref.buffer.label : ref.label;
    throw new KernelError(
      "buffer.too_small",
      `${what}: buffer "${label}" holds ${have} B, needs ${bytes} B`,
      {
        details: { label, have, need: bytes },
      },
    );
  }
}
