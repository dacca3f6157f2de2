// Which images a node holds: the placement every part of the job agrees on (the launcher plans
// with it, the node engine serves by it, an image routes its requests by it). Pure math over
// (images, nodeCount); produces [first, end) ranges and the inverse.

/**
 * Images are dealt out as evenly as possible in contiguous ranges: with N = q*K + r, nodes
 * 0..r-1 get q+1 images and the rest q (`-n 7 --nodes 3` gives 3, 2, 2). Contiguous ranges keep
 * reductions in image order cheap across nodes. Returns [first, end) of node k.
 */
export function imagesOfNode(images: number, nodeCount: number, node: number): [number, number] {
  const q = Math.floor(images / nodeCount);
  const r = images % nodeCount;
  const first = node * q + Math.min(node, r);
  return [first, first + q + (node < r ? 1 : 0)];
}

/** The node that holds `image` (inverse of imagesOfNode). */
export function nodeOfImage(images: number, nodeCount: number, image: number): number {
  const q = Math.floor(images / nodeCount);
  const r = images % nodeCount;
  const big = r * (q + 1);
  return image < big ? Math.floor(image / (q + 1)) : r + Math.floor((image - big) / q);
}
