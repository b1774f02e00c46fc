import { readFile } from "node:fs/promises";
import { loadPolicy } from "@pagoda/engine";
import { DEVICE_PROFILE_NAMES } from "@pagoda/server";
import type { Command } from "commander";
import { defaultModel } from "../default-model.js";
import { DEVICE_HELP, KV_CACHE_DTYPE_HELP, QUANTIZATION_HELP, THREADS_HELP } from "../device-flags.js";
import { CliUsageError } from "../generate/errors.js";
import { POLICY_OPTIONS_HELP, policyHelp } from "../policy-flags.js";
import type { CliIo } from "../program.js";
import { addSpeculativeOptions } from "../speculative-flags.js";
import { runServer } from "./run-server.js";
import { resolveServeConfig, type ServeFlags } from "./serve-options.js";

/** Registers `pagoda serve`: the OpenAI-compatible server, the engine core on a worker thread. */
export function registerServe(program: Command, io: CliIo): void {
  const cmd = program
    .command("serve")
    .description("start the OpenAI-compatible server (the engine runs on a worker thread)")
    .option(
      "--model <dir|file.gguf|hf_id>",
      "model folder, GGUF file (path or URL) or Hugging Face id (default: $PAGODA_MODEL or stories260K)",
    )
    .option("--served-model-name <name>", "the model name clients ask for (default: the folder's name)")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on (0: any free port)", "8000")
    .option("--device <device>", DEVICE_HELP, "auto")
    .option("--threads <n>", THREADS_HELP)
    .option("--policy <name|path>", policyHelp(), "fcfs")
    .option("--policy-options <json>", POLICY_OPTIONS_HELP)
    .option("--max-num-seqs <n>", "most sequences in one step", "64")
    .option("--max-num-batched-tokens <n>", "most tokens in one step (prefill chunks included)", "1024")
    .option("--block-size <n>", "tokens per KV cache block", "16")
    .option("--kv-cache-dtype <dtype>", KV_CACHE_DTYPE_HELP, "auto")
    .option("--quantization <type>", QUANTIZATION_HELP)
    .option("--kv-cache-memory <size>", "memory for the KV cache, e.g. 512MiB (default 32MiB)")
    .option(
      "--gpu-memory-utilization <fraction>",
      "share of memory for weights + KV cache, instead of --kv-cache-memory (system memory: WebGPU reports none)",
    )
    .option("--swap-space <size>", "host memory for swapped-out KV blocks; a bare number is GiB", "0")
    .option("--no-prefix-caching", "turn automatic prefix caching off")
    .option("--api-key <key>", "require 'Authorization: Bearer <key>' on /v1/* (default: $PAGODA_API_KEY)")
    .option("--max-queue <n>", "answer 429 while this many requests wait (default: no limit)")
    .option("--chat-template <file>", "a Jinja chat template to use instead of the model's")
    .option("--grace-period <seconds>", "on SIGTERM / SIGINT, how long in-flight requests may finish", "30")
    .option("--max-body-size <size>", "largest request body", "4MiB")
    .option("--metrics-prefix <prefix>", "/metrics names: vllm (vLLM's, verbatim) | pagoda", "pagoda")
    .option(
      "--device-profile <name>",
      `roofline device: ${DEVICE_PROFILE_NAMES.join(" | ")} (default: measured on cpu, none on webgpu)`,
    )
    .option(
      "--strict-params",
      "answer 400 to request fields the server does not know (default: ignored, logged)",
    )
    .option(
      "--tool-call-parser <name>",
      "how chat output is read for tool calls: hermes (Qwen3) | llama3_json | mistral (default: from the chat template)",
    )
    .option(
      "--allowed-origins <origins>",
      "CORS origins, a JSON list or comma-separated, e.g. '[\"https://ui.example\"]'",
      '["*"]',
    )
    .option(
      "--generation-config <mode>",
      "auto: the model's generation_config.json sampling defaults apply to requests that leave them out | vllm: ignore them",
      "auto",
    )
    .option("--verbose", "debug logs, and stack traces on errors");
  addSpeculativeOptions(cmd).action(async (flags: ServeFlags) => {
    const config = resolveServeConfig(flags, defaultModel());
    // Imported here too (the worker imports it again: registration is per thread), so a bad
    // module or option fails in one line before the server listens.
    await loadPolicy(config.policy, config.policyOptions);
    const chatTemplate =
      config.chatTemplateFile === null ? null : await readTemplate(config.chatTemplateFile);
    await runServer(config, { chatTemplate, verbose: flags.verbose === true, io });
  });
}

async function readTemplate(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (cause) {
    throw new CliUsageError(
      "cli.bad_argument",
      `cannot read --chat-template ${file}: ${(cause as Error).message}`,
    );
  }
}
