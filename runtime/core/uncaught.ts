// Turns a JavaScript exception escaping the program (stack overflow, a code generator bug) into a
// runtime error message and a .pgas position. Consumes the error, the program's URL and text;
// produces the message and the position of the nearest `@pgas LINE:COL` marker above the frame.

export interface UncaughtDescription {
  message: string;
  position: [number, number] | undefined;
}

export function describeUncaught(error: unknown, programUrl: string, programText: string): UncaughtDescription {
  const err = error as { name?: string; message?: string; stack?: string } | null;
  const isStackOverflow = err?.name === "RangeError" && /call stack/i.test(err.message ?? "");
  const message = isStackOverflow
    ? "stack overflow (recursion too deep)"
    : `unexpected ${err?.name ?? "exception"}: ${err?.message ?? String(error)}`;
  return { message, position: positionFromStack(err?.stack ?? "", programUrl, programText) };
}

/**
 * The innermost stack frame inside the program module, mapped through the `@pgas` markers. A
 * frame at a function's entry (where V8 checks the stack, so where a stack overflow is thrown)
 * has no statement of its own: the caller's frame, at the call, names the line.
 */
export function positionFromStack(stack: string, programUrl: string, programText: string): [number, number] | undefined {
  const lines = programText.split("\n");
  let innermost = true;
  for (const frame of stack.split("\n")) {
    const at = frame.lastIndexOf(programUrl + ":");
    if (at < 0) continue;
    const match = /^:(\d+):\d+/.exec(frame.slice(at + programUrl.length));
    if (!match) continue;
    const jsLine = Number(match[1]);
    // only the innermost frame can be at an entry: its caller's frame is at the call
    if (innermost && atFunctionEntry(lines, jsLine)) {
      innermost = false;
      continue;
    }
    for (let i = Math.min(jsLine, lines.length) - 1; i >= 0; i--) {
      const marker = /@pgas\s+(\d+):(\d+)/.exec(lines[i]);
      if (marker) return [Number(marker[1]), Number(marker[2])];
    }
    return undefined;
  }
  return undefined;
}

const FUNCTION_HEADER = /^\s*(export\s+)?function\s/;
const NOT_CODE = /^\s*(\/\/.*)?$/;

/**
 * Whether JS line `jsLine` (1-based) is a function's header or its first statement: V8 checks the
 * stack on entry and, depending on the tier running the function, reports either position.
 */
function atFunctionEntry(lines: readonly string[], jsLine: number): boolean {
  if (FUNCTION_HEADER.test(lines[jsLine - 1] ?? "")) return true;
  for (let i = jsLine - 2; i >= 0; i--) {
    const line = lines[i] ?? "";
    if (FUNCTION_HEADER.test(line)) return true;
    if (!NOT_CODE.test(line)) return false;
  }
  return false;
}

/**
 * Stack frames an image's errors keep. V8's default of 10 can be all runtime frames under a deep
 * call; errors are rare (a runtime error ends the job), so keeping more costs nothing in the
 * program's hot paths.
 */
export const IMAGE_STACK_TRACE_LIMIT = 64;
