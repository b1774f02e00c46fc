import type { CreateEngineOptions, Device } from "@pagoda/engine";
import { isQuantScheme, QUANT_SCHEMES, type QuantScheme } from "@pagoda/model-loaders";
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

/** What `--kv-cache-dtype` takes (`createEngine`'s `kvCacheDtype`). */
export type KvCacheDtypeFlag = NonNullable<CreateEngineOptions["kvCacheDtype"]>;

const KV_CACHE_DTYPES: readonly KvCacheDtypeFlag[] = ["auto", "f32", "f16", "int8"];

/** `--kv-cache-dtype`'s help text. */
export const KV_CACHE_DTYPE_HELP =
  "KV cache element type: auto (f16; f32 on the reference device) | f32 | f16 | int8 (one f32 scale per token and kv head; every device)";

/** Checks `--kv-cache-dtype`. */
export function parseKvCacheDtype(value: string): KvCacheDtypeFlag {
  if (!KV_CACHE_DTYPES.includes(value as KvCacheDtypeFlag)) {
    throw new CliUsageError(
      "cli.bad_argument",
      `--kv-cache-dtype must be ${KV_CACHE_DTYPES.join(", ")}; got "${value}"`,
    );
  }
  return value as KvCacheDtypeFlag;
}

/** `--quantization`'s help text. */
export const QUANTIZATION_HELP =
  "quantize the weight matrices on load: q8_0 | q4_0 | q4_k (the LM head at Q6_K, like llama.cpp's Q4_K_M); default: as stored";

/** Checks `--quantization` (absent: the weights as stored). */
export function parseQuantization(value: string | undefined): QuantScheme | undefined {
  if (value === undefined) return undefined;
  if (!isQuantScheme(value)) {
    throw new CliUsageError(
      "cli.bad_argument",
      `--quantization must be ${QUANT_SCHEMES.join(", ")}; got "${value}"`,
    );
  }
  return value;
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
