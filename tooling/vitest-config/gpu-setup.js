// Probes for a WebGPU adapter once per run. Without one, GPU tests skip loudly; when CI=true or
// PAGODA_REQUIRE_GPU=1 a missing adapter fails the run instead, so CI can never go green by
// skipping the GPU.
import { create } from "webgpu";

function required() {
  return process.env.CI === "true" || process.env.PAGODA_REQUIRE_GPU === "1";
}

async function probe() {
  if (!process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = "/tmp";
  try {
    const adapter = await create([]).requestAdapter();
    if (!adapter) return { available: false, reason: "requestAdapter() returned null" };
    const info = adapter.info;
    return {
      available: true,
      reason: `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.trim(),
    };
  } catch (err) {
    return {
      available: false,
      reason: `loading Dawn failed: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

export default async function setup(project) {
  const gpu = await probe();
  if (!gpu.available) {
    const msg = [
      "",
      "!".repeat(78),
      `!! NO WEBGPU ADAPTER: GPU tests of ${project.config.name} are SKIPPED (${gpu.reason}).`,
      "!! Install a Vulkan driver: bash .ci/install-vulkan.sh (Mesa lavapipe from bookworm-backports).",
      "!".repeat(78),
      "",
    ].join("\n");
    if (required()) throw new Error(`GPU required (CI=true or PAGODA_REQUIRE_GPU=1) but ${gpu.reason}`);
    console.warn(msg);
  }
  project.provide("pagodaGpu", gpu);
}
