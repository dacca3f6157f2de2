// How many images one host can run: refuses a run that would crawl or exhaust memory (a thousand
// images on two cores took minutes and 4.5 GB before doing anything). Consumes the image count
// and the machine's cores and available memory; gives a one-line reason, or undefined when fine.

import { availableParallelism, freemem } from "node:os";

/** More images than this many per core is refused without --oversubscribe. */
export const IMAGES_PER_CORE = 8;
/**
 * Memory an image costs before it allocates anything (a worker thread with its own V8 heap and
 * the runtime): measured as the peak RSS of `pgasc run -n 64` of an idle program minus that of
 * `-n 1`, divided by 63 (9 MiB on Node 20, x86-64), rounded up.
 */
export const BYTES_PER_IMAGE = 10 * 1024 * 1024;

export interface MachineLimits {
  cores: number;
  /** Memory available to new processes (os.freemem(): MemAvailable on Linux). */
  freeBytes: number;
}

export function thisMachine(): MachineLimits {
  return { cores: availableParallelism(), freeBytes: freemem() };
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/** Why `images` images on this one host are too many, or undefined. */
export function tooManyImagesHere(images: number, machine: MachineLimits, oversubscribe: boolean): string | undefined {
  if (oversubscribe) return undefined;
  const maxImages = machine.cores * IMAGES_PER_CORE;
  if (images > maxImages) {
    return (
      `-n ${images} is more than ${IMAGES_PER_CORE} images per core on this host's ${machine.cores} ` +
      `core${machine.cores === 1 ? "" : "s"} (${maxImages}): lower -n, spread the job over hosts, or pass --oversubscribe`
    );
  }
  const needed = images * BYTES_PER_IMAGE;
  if (needed > machine.freeBytes) {
    return (
      `-n ${images} needs about ${gib(needed)} before the program allocates anything, and this host has ` +
      `${gib(machine.freeBytes)} available: lower -n, spread the job over hosts, or pass --oversubscribe`
    );
  }
  return undefined;
}
