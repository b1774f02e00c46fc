// The block-quantized weight formats of GGUF (ggml's docs and ggml-common.h describe the
// layouts). Every format packs a row in whole blocks; a row's length must be a multiple of the
// block's element count.

/** The quantized formats Pagoda reads, writes and computes with. */
export type QuantType = "Q8_0" | "Q4_0" | "Q4_K" | "Q6_K";

/** All of them, in the order the CLI lists them. */
export const QUANT_TYPES: readonly QuantType[] = ["Q8_0", "Q4_0", "Q4_K", "Q6_K"];

/** Elements and bytes of one block of each format. */
export const QUANT_BLOCK: Readonly<Record<QuantType, { readonly elements: number; readonly bytes: number }>> =
  {
    // f16 scale, 32 × int8.
    Q8_0: { elements: 32, bytes: 34 },
    // f16 scale, 32 × 4-bit (element j in the low nibble of byte j, j + 16 in its high nibble).
    Q4_0: { elements: 32, bytes: 18 },
    // f16 d, f16 dmin, 12 bytes of 6-bit scales and mins of 8 sub-blocks, 256 × 4-bit.
    Q4_K: { elements: 256, bytes: 144 },
    // 128 bytes of low 4 bits, 64 of high 2 bits, 16 × int8 sub-block scales, f16 d.
    Q6_K: { elements: 256, bytes: 210 },
  };

/** True when `name` is a {@link QuantType}. */
export function isQuantType(name: string): name is QuantType {
  return Object.hasOwn(QUANT_BLOCK, name);
}

/** Bytes of a packed row of `cols` elements; `cols` must be a multiple of the block's elements. */
export function quantRowBytes(type: QuantType, cols: number): number {
  const block = QUANT_BLOCK[type];
  return (cols / block.elements) * block.bytes;
}

/** True when a row of `cols` elements packs into whole blocks of `type`. */
export function fitsBlocks(type: QuantType, cols: number): boolean {
  return cols > 0 && cols % QUANT_BLOCK[type].elements === 0;
}
