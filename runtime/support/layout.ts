// Block-cyclic layout math for shared arrays (LANGUAGE.md §3).
// Consumes a layout spec, the element count N and the image count P; produces the block size,
// the owner and local offset of a linear index, and how many elements each image holds.

export type LayoutSpec = "cyclic" | "block" | number;

/** Block size B: 1 for cyclic, ceil(N/P) for block (at least 1), B for cyclic(B). */
export function blockSizeOf(layout: LayoutSpec, total: number, images: number): number {
  if (layout === "cyclic") return 1;
  if (layout === "block") return Math.max(1, Math.ceil(total / images));
  return layout;
}

/** The image owning linear element k: floor(k/B) mod P. */
export function ownerOf(k: number, blockSize: number, images: number): number {
  return Math.floor(k / blockSize) % images;
}

/** Offset of element k inside its owner's part: floor(k/(B*P))*B + k mod B. */
export function localOffsetOf(k: number, blockSize: number, images: number): number {
  return Math.floor(k / (blockSize * images)) * blockSize + (k % blockSize);
}

/** Number of elements image `image` owns (its part's length). */
export function partLengthOf(image: number, total: number, blockSize: number, images: number): number {
  const cycle = blockSize * images;
  const fullCycles = Math.floor(total / cycle);
  const rest = total - fullCycles * cycle;
  return fullCycles * blockSize + Math.max(0, Math.min(blockSize, rest - image * blockSize));
}
