// One compiled pipeline per (device, variant key). Shapes never enter the key: they travel in
// uniform buffers, so a handful of pipelines serves every batch size of a run.
const caches = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

/**
 * Returns the pipeline cached under `key` for `device`, building it with `describe()` on first use.
 * The key names the variant (kernel, dtype, vector width, tile, workgroup size), never a shape.
 *
 * @example
 * const p = getPipeline(device, "ops.add/wg256", () => shaderPipeline(device, "ops.add/wg256", ADD_WGSL));
 */
export function getPipeline(
  device: GPUDevice,
  key: string,
  describe: () => GPUComputePipelineDescriptor,
): GPUComputePipeline {
  let cache = caches.get(device);
  if (!cache) {
    cache = new Map();
    caches.set(device, cache);
  }
  let pipeline = cache.get(key);
  if (!pipeline) {
    pipeline = device.createComputePipeline(describe());
    cache.set(key, pipeline);
  }
  return pipeline;
}

/** A descriptor for a single-entry WGSL module with an `auto` layout, labelled by its key. */
export function shaderDescriptor(
  device: GPUDevice,
  label: string,
  code: string,
  entryPoint = "main",
): GPUComputePipelineDescriptor {
  return {
    label,
    layout: "auto",
    compute: { module: device.createShaderModule({ label, code }), entryPoint },
  };
}

/** `getPipeline` for the common case: the key is also the label, the layout is `auto`. */
export function getShaderPipeline(device: GPUDevice, key: string, code: () => string): GPUComputePipeline {
  return getPipeline(device, key, () => shaderDescriptor(device, key, code()));
}

/** How many pipelines `device` has compiled so far (tests use it to prove shapes stay out of keys). */
export function cachedPipelineCount(device: GPUDevice): number {
  return caches.get(device)?.size ?? 0;
}
