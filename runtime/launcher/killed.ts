// What to tell a user whose process was killed by a signal nobody in the job sent. Consumes the
// signal and what the process held; gives one line. SIGKILL from outside is, on a machine that
// nobody else touches, the kernel's out-of-memory killer: say so, since the job cannot.

/** "… was killed by SIGKILL; images 3, 4 lost …" for a node process or the one-node job's process. */
export function describeKill(what: string, signal: NodeJS.Signals, lost: string): string {
  const line = `${what} was killed by ${signal}; ${lost}`;
  if (signal !== "SIGKILL") return line;
  return `${line}. If nobody sent it, the kernel's out-of-memory killer did: the job may need more memory than this host has`;
}
