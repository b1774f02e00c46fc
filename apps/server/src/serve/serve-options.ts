import { existsSync } from "node:fs";
import { totalmem } from "node:os";
import { basename, resolve } from "node:path";
import type { Device, PolicyOptions, SpeculativeConfig } from "@pagoda/engine";
import type { QuantScheme } from "@pagoda/model-loaders";
import { DEVICE_PROFILE_NAMES, TOOL_CALL_PARSER_NAMES } from "@pagoda/server";
import {
  type KvCacheDtypeFlag,
  parseDevice,
  parseKvCacheDtype,
  parseQuantization,
  parseThreads,
} from "../device-flags.js";
import { CliUsageError } from "../generate/errors.js";
import { parsePolicy, parsePolicyOptions } from "../policy-flags.js";
import { parseSpeculativeFlags, type SpeculativeFlags } from "../speculative-flags.js";
import { parseByteSize } from "./byte-size.js";

/** The flags of `pagoda serve` as commander hands them over (strings, before checks). */
export interface ServeFlags extends SpeculativeFlags {
  model?: string;
  host: string;
  port: string;
  device: string;
  threads?: string;
  policy: string;
  policyOptions?: string;
  maxNumSeqs: string;
  maxNumBatchedTokens: string;
  blockSize: string;
  kvCacheMemory?: string;
  kvCacheDtype: string;
  quantization?: string;
  gpuMemoryUtilization?: string;
  swapSpace: string;
  prefixCaching: boolean;
  apiKey?: string;
  maxQueue?: string;
  chatTemplate?: string;
  servedModelName?: string;
  gracePeriod: string;
  maxBodySize: string;
  metricsPrefix: string;
  deviceProfile?: string;
  strictParams?: boolean;
  toolCallParser?: string;
  allowedOrigins: string;
  generationConfig: string;
  verbose?: boolean;
}

/** Everything `pagoda serve` needs, checked. */
export interface ServeConfig {
  model: string;
  servedModelName: string;
  host: string;
  port: number;
  device: Device;
  /** Threads of the cpu device; undefined = the machine's cores. */
  threads: number | undefined;
  /** A registered name or a module path (the engine worker imports it). */
  policy: string;
  /** `--policy-options`, parsed; undefined: the policy's defaults. */
  policyOptions: PolicyOptions | undefined;
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
  blockSize: number;
  /** Bytes for the KV cache, or a share of memory (resolved once the weights' size is known). */
  kvCache: { bytes: number } | { utilization: number; totalBytes: number };
  /** Element type of the KV cache (`auto`: f16). */
  kvCacheDtype: KvCacheDtypeFlag;
  /** Quantize the weight matrices on load; undefined: as stored. */
  quantization: QuantScheme | undefined;
  swapSpace: number;
  enablePrefixCaching: boolean;
  apiKey: string | null;
  maxQueue: number | null;
  chatTemplateFile: string | null;
  graceMs: number;
  maxBodyBytes: number;
  /** `/metrics` names: `vllm` for vLLM's verbatim, `pagoda` for `pagoda:*`. */
  metricsPrefix: "pagoda" | "vllm";
  /** The roofline's device (a datasheet profile); null: measured on a CPU executor, none on WebGPU. */
  deviceProfile: (typeof DEVICE_PROFILE_NAMES)[number] | null;
  /** 400 for unknown request fields instead of a log warning. */
  strictParams: boolean;
  /** How tool calls are read from chat output; null: detected from the chat template. */
  toolCallParser: (typeof TOOL_CALL_PARSER_NAMES)[number] | null;
  /** CORS origins; `["*"]` allows any. */
  allowedOrigins: string[];
  /** `auto`: the model's generation_config.json sampling defaults apply; `vllm`: ignored. */
  generationConfig: "auto" | "vllm";
  /** Speculative decoding (`--speculative`, `--speculative-model`); undefined: off. */
  speculative: SpeculativeConfig | undefined;
}

/** Checks the flags; `defaultModel` is used without `--model` and must exist. */
export function resolveServeConfig(flags: ServeFlags, defaultModel: string): ServeConfig {
  const model = flags.model ?? defaultModel;
  if (flags.model === undefined && !existsSync(model)) {
    throw new CliUsageError(
      "cli.no_model",
      `no model to serve: pass --model DIR|HF_ID or set PAGODA_MODEL (the default ${model} does not exist)`,
    );
  }
  const device = parseDevice(flags.device);
  const threads = parseThreads(flags.threads);
  if (flags.kvCacheMemory !== undefined && flags.gpuMemoryUtilization !== undefined) {
    throw new CliUsageError(
      "cli.bad_argument",
      "give --kv-cache-memory or --gpu-memory-utilization, not both",
    );
  }
  const apiKey = flags.apiKey ?? process.env.PAGODA_API_KEY ?? null;
  return {
    model,
    servedModelName: flags.servedModelName ?? basename(resolve(model)),
    host: flags.host,
    port: integer("--port", flags.port, 0, 65535),
    device,
    threads,
    policy: parsePolicy(flags.policy),
    policyOptions: parsePolicyOptions(flags.policyOptions),
    maxNumSeqs: integer("--max-num-seqs", flags.maxNumSeqs, 1),
    maxNumBatchedTokens: integer("--max-num-batched-tokens", flags.maxNumBatchedTokens, 1),
    blockSize: integer("--block-size", flags.blockSize, 1, 1024),
    kvCache:
      flags.gpuMemoryUtilization !== undefined
        ? { utilization: fraction(flags.gpuMemoryUtilization), totalBytes: totalmem() }
        : { bytes: parseByteSize("--kv-cache-memory", flags.kvCacheMemory ?? "32MiB") },
    kvCacheDtype: parseKvCacheDtype(flags.kvCacheDtype),
    quantization: parseQuantization(flags.quantization),
    swapSpace: parseByteSize("--swap-space", flags.swapSpace, 2 ** 30),
    enablePrefixCaching: flags.prefixCaching,
    apiKey: apiKey === "" ? null : apiKey,
    maxQueue: flags.maxQueue === undefined ? null : integer("--max-queue", flags.maxQueue, 1),
    chatTemplateFile: flags.chatTemplate ?? null,
    graceMs: Math.round(number("--grace-period", flags.gracePeriod, 0) * 1000),
    maxBodyBytes: parseByteSize("--max-body-size", flags.maxBodySize),
    metricsPrefix: oneOf("--metrics-prefix", flags.metricsPrefix, ["pagoda", "vllm"] as const),
    deviceProfile:
      flags.deviceProfile === undefined
        ? null
        : oneOf("--device-profile", flags.deviceProfile, DEVICE_PROFILE_NAMES),
    strictParams: flags.strictParams === true,
    toolCallParser:
      flags.toolCallParser === undefined
        ? null
        : oneOf("--tool-call-parser", flags.toolCallParser, TOOL_CALL_PARSER_NAMES),
    allowedOrigins: parseOrigins(flags.allowedOrigins),
    generationConfig: oneOf("--generation-config", flags.generationConfig, ["auto", "vllm"] as const),
    speculative: parseSpeculativeFlags(flags),
  };
}

// vLLM takes a JSON list (`'["https://a.example"]'`); a comma-separated list is accepted too.
function parseOrigins(value: string): string[] {
  const text = value.trim();
  let list: unknown = text.split(",").map((o) => o.trim());
  if (text.startsWith("[")) {
    try {
      list = JSON.parse(text);
    } catch {
      list = null;
    }
  }
  const ok = Array.isArray(list) && list.length > 0 && list.every((o) => typeof o === "string" && o !== "");
  if (!ok) {
    throw new CliUsageError(
      "cli.bad_argument",
      `--allowed-origins must be a JSON list or a comma-separated list of origins, e.g. '["*"]'; got ${JSON.stringify(value)}`,
    );
  }
  return list as string[];
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CliUsageError(
      "cli.bad_argument",
      `${flag} must be one of ${allowed.join(", ")}; got "${value}"`,
    );
  }
  return value as T;
}

function number(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min) {
    throw new CliUsageError("cli.bad_argument", `${flag} must be a number >= ${min}; got "${value}"`);
  }
  return n;
}

function integer(flag: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n < min || n > max) {
    throw new CliUsageError(
      "cli.bad_argument",
      `${flag} must be an integer from ${min} to ${max}; got "${value}"`,
    );
  }
  return n;
}

function fraction(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !(n > 0 && n <= 1)) {
    throw new CliUsageError(
      "cli.bad_argument",
      `--gpu-memory-utilization must be a fraction in (0, 1]; got "${value}"`,
    );
  }
  return n;
}
