// PGASC_TRACE_EVENTS, read the same way by `pgasc run` (cli/pgasc.ts) and by a node started from
// the environment (launcher/bootstrap.ts). Consumes the variable's text; produces the number of
// events each image keeps, or the reason it is not one. No imports: the CLI loads it at start.

/** undefined when unset or empty (the recorder's default applies); a message when malformed. */
export function eventsPerImage(text: string | undefined): number | undefined | { problem: string } {
  if (text === undefined || text === "") return undefined;
  const n = Number(text);
  if (!(Number.isInteger(n) && n >= 1)) return { problem: `PGASC_TRACE_EVENTS=${text}: expected a whole number of at least 1` };
  return n;
}
