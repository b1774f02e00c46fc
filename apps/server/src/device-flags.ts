import type { Device } from "@pagoda/engine";
import { CliUsageError } from "./generate/errors.js";

/** The devices `--device` accepts. */
export const DEVICES: readonly Device[] = ["auto", "cpu", "webgpu", "reference"];

/** `--device`'s help text. */
export const DEVICE_HELP =
  "cpu (WebAssembly SIMD on every core) | webgpu | reference (exact, slow) | auto (WebGPU on a hardware adapter, else cpu)";

/** `--threads`'s help text. */
export const THREADS_HELP = "threads of the cpu device (default: the machine's cores)";

/** Checks `--device`. */
export function parseDevice(value: string): Device {
  if (!DEVICES.includes(value as Device)) {
    throw new CliUsageError("cli.bad_argument", `--device must be ${DEVICES.join(", ")}; got "${value}"`);
  }
  return value as Device;
}

/** Checks `--threads` (absent: the engine's default). */
export function parseThreads(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n < 1 || n > 256) {
    throw new CliUsageError("cli.bad_argument", `--threads must be an integer from 1 to 256; got "${value}"`);
  }
  return n;
}
