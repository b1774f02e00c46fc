import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createStorageBuffer, readBuffer } from "../runtime/buffers.js";
import { seededRandom } from "../testing/random.js";
import { testDevice } from "../testing/test-device.js";
import { philox4x32, uniformFromBits } from "./philox.js";
import { PHILOX_WGSL } from "./wgsl/philox.wgsl.js";

const PROBE_WGSL = /* wgsl */ `
${PHILOX_WGSL}
@group(0) @binding(0) var<storage, read> inputs: array<vec4u>; // counter, then key in .xy
@group(0) @binding(1) var<storage, read_write> words: array<vec4u>;
@group(0) @binding(2) var<storage, read_write> uniforms: array<vec4f>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x;
  if (i >= arrayLength(&words)) { return; }
  let w = philox4x32_10(inputs[2u * i], inputs[2u * i + 1u].xy);
  words[i] = w;
  uniforms[i] = vec4f(uniform_from_bits(w.x), uniform_from_bits(w.y), uniform_from_bits(w.z),
                      uniform_from_bits(w.w));
}`;

describeGpu("Philox4x32-10 in WGSL", () => {
  let t: Awaited<ReturnType<typeof testDevice>>;
  beforeAll(async () => {
    t = await testDevice();
  });
  afterAll(() => t.destroy());

  it("gives the TypeScript words and uniforms bit for bit", async () => {
    const n = 1000;
    const next = seededRandom(17);
    const word = () => Math.floor(next() * 2 ** 32);
    const inputs = new Uint32Array(n * 8);
    for (let i = 0; i < n; i++) {
      // A few fixed cases (all zeros, all ones), the rest random.
      const fill = i === 0 ? 0 : i === 1 ? 0xffffffff : -1;
      for (let j = 0; j < 6; j++) inputs[i * 8 + j] = fill >= 0 ? fill : word();
    }
    const { device } = t;
    const pipeline = device.createComputePipeline({
      label: "test.philox",
      layout: "auto",
      compute: { module: device.createShaderModule({ label: "test.philox", code: PROBE_WGSL }) },
    });
    const input = createStorageBuffer(device, "test.philox.in", inputs);
    const words = createStorageBuffer(device, "test.philox.words", n * 16);
    const uniforms = createStorageBuffer(device, "test.philox.uniforms", n * 16);
    const encoder = device.createCommandEncoder({ label: "test.philox" });
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(
      0,
      device.createBindGroup({
        label: "test.philox",
        layout: pipeline.getBindGroupLayout(0),
        entries: [input, words, uniforms].map((buffer, binding) => ({ binding, resource: { buffer } })),
      }),
    );
    pass.dispatchWorkgroups(Math.ceil(n / 64));
    pass.end();
    device.queue.submit([encoder.finish()]);
    const gotWords = new Uint32Array(await readBuffer(device, words, n * 16));
    const gotUniforms = new Float32Array(await readBuffer(device, uniforms, n * 16));
    const wantWords = new Uint32Array(n * 4);
    const wantUniforms = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) {
      const c = inputs.subarray(i * 8, i * 8 + 4);
      const k = inputs.subarray(i * 8 + 4, i * 8 + 6);
      const w = philox4x32([c[0] ?? 0, c[1] ?? 0, c[2] ?? 0, c[3] ?? 0], [k[0] ?? 0, k[1] ?? 0]);
      wantWords.set(w, i * 4);
      for (let j = 0; j < 4; j++) wantUniforms[i * 4 + j] = uniformFromBits(w[j] ?? 0);
    }
    expect(gotWords).toEqual(wantWords);
    expect(new Uint32Array(gotUniforms.buffer)).toEqual(new Uint32Array(wantUniforms.buffer));
  });
});
