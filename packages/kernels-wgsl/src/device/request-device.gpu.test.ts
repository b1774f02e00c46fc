import { describeGpu } from "@pagoda/vitest-config/gpu";
import { expect, it } from "vitest";
import { requestDevice } from "../index.js";

const SHADER = /* wgsl */ `
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x < arrayLength(&out)) { out[id.x] = a[id.x] * a[id.x] + f32(id.x); }
}`;

describeGpu("requestDevice", () => {
  it("runs a WGSL compute shader and reads back its results", async () => {
    const { device } = await requestDevice();
    const n = 1000; // not a multiple of the workgroup size on purpose
    const input = Float32Array.from({ length: n }, (_, i) => (i % 17) - 8.5);
    const a = device.createBuffer({
      label: "test.a",
      size: n * 4,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(a, 0, input);
    const out = device.createBuffer({
      label: "test.out",
      size: n * 4,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
    });
    const read = device.createBuffer({
      label: "test.read",
      size: n * 4,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const pipeline = device.createComputePipeline({
      label: "test.square",
      layout: "auto",
      compute: { module: device.createShaderModule({ label: "test.square", code: SHADER }) },
    });
    const bind = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: a } },
        { binding: 1, resource: { buffer: out } },
      ],
    });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(Math.ceil(n / 64));
    pass.end();
    enc.copyBufferToBuffer(out, 0, read, 0, n * 4);
    device.queue.submit([enc.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const got = new Float32Array(read.getMappedRange().slice(0));
    read.unmap();
    for (let i = 0; i < n; i++) {
      const x = input[i] ?? 0;
      expect(got[i]).toBeCloseTo(x * x + i, 4);
    }
    device.destroy();
  });

  it("leaves optional features off when asked, to exercise fallbacks", async () => {
    const { device, features } = await requestDevice({ disableFeatures: ["shader-f16"] });
    expect(features.has("shader-f16")).toBe(false);
    expect(device.features.has("shader-f16")).toBe(false);
    device.destroy();
  });
});
