import { policyNames } from "@pagoda/engine";
import { isPagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { parseByteSize } from "./byte-size.js";
import { resolveServeConfig, type ServeFlags } from "./serve-options.js";

const here = new URL(".", import.meta.url).pathname;
const base: ServeFlags = {
  model: here,
  host: "127.0.0.1",
  port: "8000",
  device: "auto",
  policy: "fcfs",
  maxNumSeqs: "64",
  maxNumBatchedTokens: "1024",
  blockSize: "16",
  swapSpace: "0",
  kvCacheDtype: "auto",
  prefixCaching: true,
  gracePeriod: "30",
  maxBodySize: "1MiB",
  metricsPrefix: "pagoda",
  allowedOrigins: '["*"]',
  generationConfig: "auto",
};

function codeAndMessage(fn: () => unknown): [string, string] {
  try {
    fn();
  } catch (err) {
    if (isPagodaError(err)) return [err.code, err.message];
    throw err;
  }
  return ["no error", ""];
}

describe("parseByteSize", () => {
  it("reads bytes, decimal and binary units, and a default unit for bare numbers", () => {
    expect(parseByteSize("--x", "1024")).toBe(1024);
    expect(parseByteSize("--x", "64MiB")).toBe(64 * 2 ** 20);
    expect(parseByteSize("--x", "2GB")).toBe(2e9);
    expect(parseByteSize("--x", "1.5kib")).toBe(1536);
    expect(parseByteSize("--swap-space", "4", 2 ** 30)).toBe(4 * 2 ** 30);
  });

  it("names the flag and the value it could not read", () => {
    expect(codeAndMessage(() => parseByteSize("--kv-cache-memory", "lots"))).toEqual([
      "cli.bad_argument",
      '--kv-cache-memory must be a size such as 512MiB, 2GB or a byte count; got "lots"',
    ]);
  });
});

describe("resolveServeConfig", () => {
  it("fills the defaults: served name from the folder, 32 MiB of KV cache, no key, no queue limit", () => {
    const c = resolveServeConfig({ ...base, model: "/models/stories260K/" }, "/unused");
    expect(c).toMatchObject({
      servedModelName: "stories260K",
      port: 8000,
      kvCache: { bytes: 32 * 2 ** 20 },
      kvCacheDtype: "auto",
      swapSpace: 0,
      maxQueue: null,
      graceMs: 30_000,
      maxBodyBytes: 2 ** 20,
    });
  });

  it("takes --quantization (default: none)", () => {
    expect(resolveServeConfig(base, "/unused").quantization).toBeUndefined();
    expect(resolveServeConfig({ ...base, quantization: "q4_k" }, "/unused").quantization).toBe("q4_k");
  });

  it("takes --metrics-prefix and --device-profile, naming the allowed values otherwise", () => {
    expect(resolveServeConfig(base, "/unused")).toMatchObject({
      metricsPrefix: "pagoda",
      deviceProfile: null,
    });
    const c = resolveServeConfig({ ...base, metricsPrefix: "vllm", deviceProfile: "L4" }, "/unused");
    expect(c).toMatchObject({ metricsPrefix: "vllm", deviceProfile: "L4" });
    expect(codeAndMessage(() => resolveServeConfig({ ...base, metricsPrefix: "sglang" }, "/unused"))).toEqual(
      ["cli.bad_argument", '--metrics-prefix must be one of pagoda, vllm; got "sglang"'],
    );
    expect(
      codeAndMessage(() => resolveServeConfig({ ...base, deviceProfile: "B200" }, "/unused"))[1],
    ).toMatch(/^--device-profile must be one of A100-80GB, .*; got "B200"$/);
  });

  it("takes --strict-params, --allowed-origins (JSON or comma list) and --generation-config", () => {
    expect(resolveServeConfig(base, "/unused")).toMatchObject({
      strictParams: false,
      toolCallParser: null,
      allowedOrigins: ["*"],
      generationConfig: "auto",
    });
    expect(resolveServeConfig({ ...base, toolCallParser: "mistral" }, "/unused").toolCallParser).toBe(
      "mistral",
    );
    expect(
      codeAndMessage(() => resolveServeConfig({ ...base, toolCallParser: "pythonic" }, "/unused"))[1],
    ).toBe('--tool-call-parser must be one of hermes, llama3_json, mistral; got "pythonic"');
    const c = resolveServeConfig(
      { ...base, strictParams: true, allowedOrigins: '["https://a.example"]', generationConfig: "vllm" },
      "/unused",
    );
    expect(c).toMatchObject({
      strictParams: true,
      allowedOrigins: ["https://a.example"],
      generationConfig: "vllm",
    });
    const list = resolveServeConfig(
      { ...base, allowedOrigins: "https://a.example, https://b.example" },
      "/unused",
    );
    expect(list.allowedOrigins).toEqual(["https://a.example", "https://b.example"]);
    expect(
      codeAndMessage(() => resolveServeConfig({ ...base, allowedOrigins: "[1]" }, "/unused"))[1],
    ).toContain("--allowed-origins must be a JSON list");
    expect(codeAndMessage(() => resolveServeConfig({ ...base, generationConfig: "hf" }, "/unused"))[1]).toBe(
      '--generation-config must be one of auto, vllm; got "hf"',
    );
  });

  it("takes --kv-cache-dtype", () => {
    expect(resolveServeConfig({ ...base, kvCacheDtype: "int8" }, "/unused").kvCacheDtype).toBe("int8");
  });

  it("says exactly what to pass when the default model is missing", () => {
    const [code, message] = codeAndMessage(() =>
      resolveServeConfig({ ...base, model: undefined }, "/nowhere/stories260K"),
    );
    expect(code).toBe("cli.no_model");
    expect(message).toContain("pass --model DIR|HF_ID or set PAGODA_MODEL");
    expect(message).toContain("/nowhere/stories260K");
  });

  it.each([
    [{ port: "80000" }, "--port must be an integer from 0 to 65535"],
    [{ device: "tpu" }, '--device must be auto, cpu, webgpu, reference; got "tpu"'],
    [{ threads: "0" }, '--threads must be an integer from 1 to 256; got "0"'],
    [{ threads: "two" }, '--threads must be an integer from 1 to 256; got "two"'],
    [{ policy: "lifo" }, `--policy must be one of ${policyNames().join(", ")} or a module path`],
    [{ policyOptions: "aging=1" }, "--policy-options must be a JSON object"],
    [{ maxNumSeqs: "0" }, "--max-num-seqs must be an integer from 1"],
    [{ gpuMemoryUtilization: "1.5" }, "--gpu-memory-utilization must be a fraction in (0, 1]"],
    [{ kvCacheMemory: "1GiB", gpuMemoryUtilization: "0.5" }, "not both"],
    [{ maxQueue: "0" }, "--max-queue must be an integer from 1"],
    [{ kvCacheDtype: "fp8" }, '--kv-cache-dtype must be auto, f32, f16, int8; got "fp8"'],
    [{ quantization: "Q4_K" }, '--quantization must be q8_0, q4_0, q4_k; got "Q4_K"'],
  ])("rejects %o", (flags, message) => {
    const [code, got] = codeAndMessage(() => resolveServeConfig({ ...base, ...flags }, "/unused"));
    expect(code).toBe("cli.bad_argument");
    expect(got).toContain(message);
  });
});
