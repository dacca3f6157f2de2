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

/** The innermost stack frame inside the program module, mapped through the `@pgas` markers. */
export function positionFromStack(stack: string, programUrl: string, programText: string): [number, number] | undefined {
  const lines = programText.split("\n");
  for (const frame of stack.split("\n")) {
    const at = frame.lastIndexOf(programUrl + ":");
    if (at < 0) continue;
    const match = /^:(\d+):\d+/.exec(frame.slice(at + programUrl.length));
    if (!match) continue;
    const jsLine = Number(match[1]);
    for (let i = Math.min(jsLine, lines.length) - 1; i >= 0; i--) {
      const marker = /@pgas\s+(\d+):(\d+)/.exec(lines[i]);
      if (marker) return [Number(marker[1]), Number(marker[2])];
    }
    return undefined;
  }
  return undefined;
}
