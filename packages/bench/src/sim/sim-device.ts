import { DEVICE_PROFILES, type DeviceProfile } from "@pagoda/metrics";
import { BenchError } from "./errors.js";
import { MEASURED_DEVICE } from "./measured-profile.js";

const GiB = 1024 ** 3;

/**
 * A device as the simulator sees it: the two roofs actually reached (datasheet peak × an
 * efficiency), fixed costs per step and per sequence, and the memory that holds weights and KV.
 */
export interface SimDevice extends DeviceProfile {
  /** Device memory in bytes; weights and the KV cache share `memoryUtilization` of it. */
  readonly memoryBytes: number;
  /** Share of `memoryBytes` the engine may use (vLLM's gpu_memory_utilization). */
  readonly memoryUtilization: number;
  /** Fixed time of every step: scheduling, kernel launches, sampling set-up. */
  readonly stepOverheadSeconds: number;
  /** Extra time per sequence in the batch: per-request bookkeeping and sampling. */
  readonly seqOverheadSeconds: number;
  /** Host <-> device copy speed for swapped KV blocks; default half the memory bandwidth (a copy within RAM). */
  readonly swapBytesPerSecond?: number;
  /** Where the figures come from, for reports. */
  readonly source: string;
}

// Tuned kernels reach about 70 % of tensor peak on large GEMMs and 85 % of DRAM bandwidth on
// streaming reads (figures vLLM and TensorRT-LLM benchmarks commonly show); a CUDA-graph decode
// step carries a few hundred microseconds of host work. These are assumptions, not measurements.
const COMPUTE_EFFICIENCY = 0.7;
const MEMORY_EFFICIENCY = 0.85;
const GPU_STEP_OVERHEAD_S = 0.0005;
const GPU_SEQ_OVERHEAD_S = 2e-6;
// Swap goes over PCIe 4.0 x16 (32 GB/s peak), about 25 GB/s in practice: also an assumption.
const GPU_SWAP_BYTES_PER_S = 25e9;

function gpu(profile: DeviceProfile, memoryGiB: number): SimDevice {
  return {
    name: profile.name,
    peakFlopsPerSecond: profile.peakFlopsPerSecond * COMPUTE_EFFICIENCY,
    memoryBytesPerSecond: profile.memoryBytesPerSecond * MEMORY_EFFICIENCY,
    memoryBytes: memoryGiB * GiB,
    memoryUtilization: 0.9,
    stepOverheadSeconds: GPU_STEP_OVERHEAD_S,
    seqOverheadSeconds: GPU_SEQ_OVERHEAD_S,
    swapBytesPerSecond: GPU_SWAP_BYTES_PER_S,
    source: `datasheet × ${COMPUTE_EFFICIENCY} compute, × ${MEMORY_EFFICIENCY} bandwidth (assumed efficiencies)`,
  };
}

/** The datasheet devices the simulator knows, by CLI name. */
export const SIM_DEVICES: Readonly<Record<string, SimDevice>> = {
  "a100-80gb": gpu(DEVICE_PROFILES["A100-80GB"], 80),
  "h100-80gb": gpu(DEVICE_PROFILES["H100-80GB"], 80),
  l4: gpu(DEVICE_PROFILES.L4, 24),
  "rtx-4090": gpu(DEVICE_PROFILES["RTX-4090"], 24),
};

/** The names `resolveDevice` accepts besides `measured`. */
export function simDeviceNames(): string[] {
  return Object.keys(SIM_DEVICES);
}

/**
 * The simulated device called `name` (case-insensitive): a datasheet GPU, or `measured`, this
 * machine's CPU engine as calibrated by bench/calibrate.ts (pass `measured` to use another fit).
 * Throws `bench.unknown_device`.
 */
export function resolveDevice(name: string, measured: SimDevice = MEASURED_DEVICE): SimDevice {
  const key = name.toLowerCase();
  if (key === "measured") return measured;
  const device = SIM_DEVICES[key];
  if (device === undefined) {
    throw new BenchError(
      "bench.unknown_device",
      `no device profile named '${name}' (known: ${[...simDeviceNames(), "measured"].join(", ")})`,
      { details: { name } },
    );
  }
  return device;
}
