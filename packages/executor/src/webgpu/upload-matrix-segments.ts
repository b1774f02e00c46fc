import { joinMatrices, uploadMatrix, type WeightMatrix } from "@pagoda/kernels-wgsl";
import { f32ToF16, isQuantType, type QuantType, type TensorHandle } from "@pagoda/model-loaders";

/** Float matrices go up in this dtype; quantized tensors always keep their own blocks. */
export type FloatWeightDType = "f32" | "f16";

// Consecutive tensors of one storage kind: a quant type, or "float" (F32 / F16 / BF16, read as F32).
interface Segment {
  readonly kind: QuantType | "float";
  readonly handles: TensorHandle[];
}

function segments(handles: readonly TensorHandle[]): Segment[] {
  const out: Segment[] = [];
  for (const h of handles) {
    const kind = isQuantType(h.dtype) ? h.dtype : "float";
    const last = out.at(-1);
    if (last?.kind === kind) last.handles.push(h);
    else out.push({ kind, handles: [h] });
  }
  return out;
}

/**
 * Uploads a plan matrix made of `handles` stacked by rows (q|k|v, gate|up). Float tensors are
 * read as F32 and stored in `dtype`; quantized ones are uploaded as their packed blocks
 * (`readRaw`), never dequantized. Tensors of different formats (Q4_K_M mixes Q4_K and Q6_K)
 * become segments of one joined matrix, each part computed in its own format.
 */
export async function uploadMatrixSegments(
  device: GPUDevice,
  label: string,
  cols: number,
  handles: readonly TensorHandle[],
  dtype: FloatWeightDType,
  afterRead: (h: TensorHandle) => void,
): Promise<WeightMatrix> {
  const segs = segments(handles);
  const matrices: WeightMatrix[] = [];
  for (const [i, seg] of segs.entries()) {
    const segLabel = segs.length === 1 ? label : `${label}.${i}`;
    const rows = seg.handles.reduce((sum, h) => sum + h.numel / cols, 0);
    const chunks: (Float32Array | Uint8Array)[] = [];
    for (const h of seg.handles) {
      chunks.push(seg.kind === "float" ? await h.read() : await h.readRaw());
      afterRead(h);
    }
    if (seg.kind === "float") {
      const data = concat(chunks as Float32Array[], new Float32Array(rows * cols));
      matrices.push(
        uploadMatrix(device, { label: segLabel, rows, cols, data: dtype === "f16" ? f32ToF16(data) : data }),
      );
    } else {
      const total = chunks.reduce((sum, c) => sum + c.length, 0);
      const bytes = concat(chunks as Uint8Array[], new Uint8Array(total));
      matrices.push(uploadMatrix(device, { label: segLabel, rows, cols, data: { quant: seg.kind, bytes } }));
    }
  }
  return matrices.length === 1 ? (matrices[0] as WeightMatrix) : joinMatrices(label, matrices);
}

function concat<T extends Float32Array | Uint8Array>(chunks: readonly T[], out: T): T {
  if (chunks.length === 1) return chunks[0] as T;
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
