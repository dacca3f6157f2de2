// Where a compiled program module is loaded from. Consumes a file path; gives the file: URL that
// the image threads import, or why Node cannot import from that path (a '\' in it: Node refuses
// module URLs with an encoded '\' or '/', which a POSIX directory name may contain).

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** Why a module at `path` cannot be imported, or undefined when it can. */
export function unloadableModulePath(path: string): string | undefined {
  if (/%5c|%2f/i.test(pathToFileURL(resolve(path)).pathname)) {
    return "Node cannot load a module from a path that contains '\\'";
  }
  return undefined;
}

/** The URL to import the module at `path` from. */
export function programUrl(path: string): string {
  return pathToFileURL(resolve(path)).href;
}
