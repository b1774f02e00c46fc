/**
 * Peak dense 16-bit tensor throughput and memory bandwidth of a device: the two roofs of the
 * roofline model. Their ratio, the ridge point, is the arithmetic intensity (FLOP/byte) above
 * which a kernel is limited by compute rather than by memory.
 */
export interface DeviceProfile {
  readonly name: string;
  /** Peak dense FP16/BF16 tensor-core FLOP/s (no structured sparsity). */
  readonly peakFlopsPerSecond: number;
  /** Peak DRAM (HBM/GDDR) bandwidth in bytes/s. */
  readonly memoryBytesPerSecond: number;
}

/**
 * Public datasheet numbers. Vendors quote tensor throughput "with sparsity" as twice the dense
 * figure; the dense one is used here since inference kernels do not use 2:4 sparsity.
 */
export const DEVICE_PROFILES = {
  /** NVIDIA A100 80GB SXM datasheet: FP16/BF16 tensor 312 TFLOPS dense, HBM2e 2,039 GB/s. */
  "A100-80GB": { name: "A100-80GB", peakFlopsPerSecond: 312e12, memoryBytesPerSecond: 2039e9 },
  /** NVIDIA H100 SXM5 80GB datasheet: BF16 tensor 1,979 TFLOPS with sparsity (989.5 dense), HBM3 3.35 TB/s. */
  "H100-80GB": { name: "H100-80GB", peakFlopsPerSecond: 989.5e12, memoryBytesPerSecond: 3.35e12 },
  /** NVIDIA L4 datasheet: FP16 tensor 242 TFLOPS with sparsity (121 dense), GDDR6 300 GB/s. */
  L4: { name: "L4", peakFlopsPerSecond: 121e12, memoryBytesPerSecond: 300e9 },
  /**
   * GeForce RTX 4090, Ada architecture whitepaper: FP16 tensor with FP32 accumulate 165.2 TFLOPS
   * dense (GeForce halves FP32-accumulate throughput), GDDR6X 1,008 GB/s.
   */
  "RTX-4090": { name: "RTX-4090", peakFlopsPerSecond: 165.2e12, memoryBytesPerSecond: 1008e9 },
} as const satisfies Record<string, DeviceProfile>;

/** A key of {@link DEVICE_PROFILES}. */
export type DeviceProfileName = keyof typeof DEVICE_PROFILES;

/** The ridge point of a device in FLOP/byte: peak FLOP/s ÷ bandwidth. */
export function ridgePoint(device: DeviceProfile): number {
  return device.peakFlopsPerSecond / device.memoryBytesPerSecond;
}
