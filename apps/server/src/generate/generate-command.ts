import { type CompletionResult, createEngine } from "@pagoda/engine";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { defaultModel } from "../default-model.js";
import {
  DEVICE_HELP,
  KV_CACHE_DTYPE_HELP,
  parseDevice,
  parseKvCacheDtype,
  parseQuantization,
  parseThreads,
  QUANTIZATION_HELP,
  THREADS_HELP,
} from "../device-flags.js";
import { POLICY_OPTIONS_HELP, parsePolicy, parsePolicyOptions, policyHelp } from "../policy-flags.js";
import type { CliIo } from "../program.js";
import { addSpeculativeOptions, parseSpeculativeFlags, type SpeculativeFlags } from "../speculative-flags.js";
import { readPrompts } from "./prompts.js";

interface GenerateFlags extends SpeculativeFlags {
  model?: string;
  prompt?: string;
  promptsFile?: string;
  maxTokens?: string;
  temperature?: string;
  topP?: string;
  seed?: string;
  device: string;
  threads?: string;
  kvCacheDtype: string;
  quantization?: string;
  policy: string;
  policyOptions?: string;
  json?: boolean;
}

/** Registers `pagoda generate`: offline completions of one prompt or a JSONL batch. */
export function registerGenerate(program: Command, io: CliIo): void {
  const cmd = program
    .command("generate")
    .description("generate completions offline")
    .option(
      "--model <dir|file.gguf|hf_id>",
      "model folder, GGUF file (path or URL) or Hugging Face id (default: $PAGODA_MODEL or stories260K)",
    )
    .option("--prompt <text>", "one prompt")
    .option("--prompts-file <file>", 'JSONL file, one {"prompt": "..."} per line')
    .option("--max-tokens <n>", "tokens to generate per prompt (default 16)")
    .option("--temperature <t>", "0 = greedy (default 1)")
    .option("--top-p <p>", "nucleus sampling mass (default 1)")
    .option("--seed <n>", "sampling seed, for reproducible output")
    .option("--device <device>", DEVICE_HELP, "auto")
    .option("--threads <n>", THREADS_HELP)
    .option("--kv-cache-dtype <dtype>", KV_CACHE_DTYPE_HELP, "auto")
    .option("--quantization <type>", QUANTIZATION_HELP)
    .option("--policy <name|path>", policyHelp(), "fcfs")
    .option("--policy-options <json>", POLICY_OPTIONS_HELP)
    .option("--json", "print one JSON object per prompt")
    .option("--verbose", "print stack traces on errors");
  addSpeculativeOptions(cmd).action(async (flags: GenerateFlags) => {
    const prompts = await readPrompts(flags.prompt, flags.promptsFile);
    const device = parseDevice(flags.device);
    const threads = parseThreads(flags.threads);
    const kvCacheDtype = parseKvCacheDtype(flags.kvCacheDtype);
    const quantization = parseQuantization(flags.quantization);
    const policy = parsePolicy(flags.policy);
    const policyOptions = parsePolicyOptions(flags.policyOptions);
    const speculative = parseSpeculativeFlags(flags);
    const params = {
      ...(flags.maxTokens !== undefined && { max_tokens: numberOrText(flags.maxTokens) }),
      ...(flags.temperature !== undefined && { temperature: numberOrText(flags.temperature) }),
      ...(flags.topP !== undefined && { top_p: numberOrText(flags.topP) }),
      ...(flags.seed !== undefined && { seed: numberOrText(flags.seed) }),
    };
    const llm = await createEngine({
      model: flags.model ?? defaultModel(),
      device,
      kvCacheDtype,
      policy,
      ...(policyOptions !== undefined && { policyOptions }),
      ...(threads !== undefined && { threads }),
      ...(quantization !== undefined && { quantization }),
      ...(speculative !== undefined && { speculative }),
    });
    try {
      const results = await runBatch(llm, prompts, params);
      for (const r of results) io.out(flags.json ? `${JSON.stringify(toJson(r))}\n` : `${r.text}\n`);
    } finally {
      await llm.close();
    }
  });
}

async function runBatch(
  llm: Awaited<ReturnType<typeof createEngine>>,
  prompts: string[],
  params: Record<string, unknown>,
): Promise<CompletionResult[]> {
  if (prompts.length === 1) return llm.generate(prompts, params);
  const bar = new SingleBar({ stream: process.stderr, format: "generate [{bar}] {value}/{total} prompts" });
  bar.start(prompts.length, 0);
  try {
    return await llm.generate(prompts, params, { onProgress: (done) => bar.update(done) });
  } finally {
    bar.stop();
  }
}

// Numbers go to the engine as numbers; anything else as given, so its typed error names the field.
function numberOrText(value: string): number | string {
  const n = Number(value);
  return value.trim() !== "" && Number.isFinite(n) ? n : value;
}

function toJson(r: CompletionResult) {
  return {
    text: r.text,
    token_ids: r.tokenIds,
    finish_reason: r.finishReason,
    usage: {
      prompt_tokens: r.usage.promptTokens,
      completion_tokens: r.usage.completionTokens,
      total_tokens: r.usage.totalTokens,
    },
  };
}
