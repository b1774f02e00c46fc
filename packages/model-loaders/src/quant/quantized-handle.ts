// A lazy quantized view of a tensor: nothing is quantized until the bytes are asked for, so a
// model is quantized one tensor at a time (by the executor's loader or the GGUF writer).

import type { TensorHandle } from "../safetensors/tensor-handle.js";
import { dequantize } from "./dequantize.js";
import { quantFail } from "./quant-error.js";
import { type QuantType, quantRowBytes } from "./quant-types.js";
import { quantize } from "./quantize.js";

/**
 * `source` (a 2-D `[rows, cols]` tensor) as `type`: `readRaw()` quantizes `source.read()` (again on
 * every call), `read()` dequantizes that, `byteLength` is the packed size.
 */
export function quantizedHandle(source: TensorHandle, type: QuantType): TensorHandle {
  const [rows, cols] = source.shape as [number, number];
  const numel = source.numel;
  const readRaw = async () => quantize(type, await source.read(), cols);
  return {
    name: source.name,
    dtype: type,
    shape: source.shape,
    numel,
    byteLength: rows * quantRowBytes(type, cols),
    readRaw,
    async read(out?: Float32Array) {
      if (out && out.length < numel) {
        quantFail("bad_length", `${source.name} has ${numel} values; the target holds ${out.length}`);
      }
      const target = out ? out.subarray(0, numel) : new Float32Array(numel);
      return dequantize(type, await readRaw(), target);
    },
  };
}
