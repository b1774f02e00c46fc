import { CostModel, MEASURED_DEVICE, resolveDevice, SIM_DEVICES } from "@pagoda/bench";
import type { Device } from "@pagoda/engine";
import type { servedModelShape } from "@pagoda/server";

/**
 * The served engine's step cost for the `slo` policy: on the CPU executors, the `measured`
 * profile `bench:calibrate` fits to this machine's CPU engine, scaled to the served model's
 * shape; on WebGPU (or `auto`, which may pick it), the datasheet GPU named by
 * `--device-profile` when the simulator knows it. Undefined otherwise: `slo` keeps its
 * `--policy-options` (or fallback) cost model.
 */
export function servedCostModel(
  device: Device,
  deviceProfile: string | null,
  shape: ReturnType<typeof servedModelShape>,
): CostModel | undefined {
  if (device === "cpu" || device === "reference") return new CostModel(shape, MEASURED_DEVICE);
  const known = deviceProfile !== null && deviceProfile.toLowerCase() in SIM_DEVICES;
  return known ? new CostModel(shape, resolveDevice(deviceProfile)) : undefined;
}
