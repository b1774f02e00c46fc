import { GpuUnavailableError } from "./gpu-unavailable-error.js";
import { nodeGpu } from "./node-gpu.js";

export { GpuUnavailableError };

/** Optional features Pagoda uses when the adapter has them; every kernel works without. */
export const OPTIONAL_FEATURES = ["shader-f16", "subgroups", "timestamp-query"] as const;
export type OptionalFeature = (typeof OPTIONAL_FEATURES)[number];

/** A device together with what was asked for it, so kernels can pick variants. */
export interface PagodaDevice {
  readonly device: GPUDevice;
  readonly adapterInfo: GPUAdapterInfo;
  /** The optional features this device was created with. */
  readonly features: ReadonlySet<OptionalFeature>;
  readonly limits: GPUSupportedLimits;
}

export interface RequestDeviceOptions {
  powerPreference?: GPUPowerPreference;
  /** Features to leave off even when present, to test fallbacks. */
  disableFeatures?: readonly OptionalFeature[];
}

const INSTALL_HINT =
  "On Linux without a GPU, install Mesa's software Vulkan driver (lavapipe) from " +
  "Debian bookworm-backports: `bash .ci/install-vulkan.sh` (apt-get install -t bookworm-backports " +
  "libvulkan1 mesa-vulkan-drivers). With a GPU, install its Vulkan driver.";

async function getGpu(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  // Node: Dawn, loaded only where no browser GPU exists.
  return nodeGpu(INSTALL_HINT);
}

// Dawn's Node instance dies when the object `create()` returned is garbage-collected, even while
// a device made from it still runs work (mapAsync then never resolves, or the process aborts).
// Keying the instance by its device keeps it alive exactly as long as the device is referenced.
const instanceOf = new WeakMap<GPUDevice, GPU>();

/**
 * Returns a WebGPU device with the adapter's full limits and every optional feature Pagoda
 * uses that the adapter has, or throws {@link GpuUnavailableError} saying why and how to fix it.
 *
 * @example
 * const { device, features } = await requestDevice();
 * const f16 = features.has("shader-f16");
 */
export async function requestDevice(options: RequestDeviceOptions = {}): Promise<PagodaDevice> {
  const gpu = await getGpu();
  const adapter = await gpu.requestAdapter(
    options.powerPreference ? { powerPreference: options.powerPreference } : undefined,
  );
  if (!adapter) {
    throw new GpuUnavailableError(
      "gpu.no_adapter",
      `No WebGPU adapter found (requestAdapter() returned null). ${INSTALL_HINT}`,
    );
  }
  const disabled = new Set(options.disableFeatures ?? []);
  const features = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f) && !disabled.has(f));
  const requiredLimits: Record<string, number> = {};
  for (const key of LIMIT_KEYS) {
    const value = (adapter.limits as unknown as Record<string, number>)[key];
    if (typeof value === "number") requiredLimits[key] = value;
  }
  const device = await adapter.requestDevice({
    label: "pagoda",
    requiredFeatures: features as GPUFeatureName[],
    requiredLimits,
  });
  instanceOf.set(device, gpu);
  return { device, adapterInfo: adapter.info, features: new Set(features), limits: device.limits };
}

// The limits compute kernels care about; asking for the adapter's maximum of each.
const LIMIT_KEYS = [
  "maxBufferSize",
  "maxStorageBufferBindingSize",
  "maxStorageBuffersPerShaderStage",
  "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupSizeY",
  "maxComputeWorkgroupsPerDimension",
] as const;
