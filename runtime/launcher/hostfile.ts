// Host lists for `pgasc run`: Open MPI style hostfiles (`host slots=N`, `#` comments, blank
// lines) and `-H h1,h2:4` lists. Consumes their text; produces HostEntry lists, or throws
// HostSpecError with `FILE:LINE: message` so the user sees exactly which line is wrong.

export interface HostEntry {
  /** Host name or address as written (also the address its node listens on and advertises). */
  host: string;
  /** Images this host should take; 1 when not written (Open MPI's `-H` default). */
  slots: number;
  /** Where the entry came from, for messages: `hosts.txt:3` or `--hosts`. */
  origin: string;
}

export class HostSpecError extends Error {}

/** Host names, IPv4 addresses, `user@host`; no spaces, quotes or shell characters. */
const HOST_PATTERN = /^[A-Za-z0-9_.@-]+$/;

function checkHost(host: string, origin: string): void {
  if (!HOST_PATTERN.test(host)) {
    throw new HostSpecError(`${origin}: '${host}' is not a host name (letters, digits, '.', '-', '_', '@' only)`);
  }
}

function parseCount(text: string, what: string, origin: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 1_000_000) {
    throw new HostSpecError(`${origin}: ${what} must be a whole number of at least 1, not '${text}'`);
  }
  return Number(text);
}

/**
 * Parses a hostfile. Each non-blank line (after removing a `#` comment) is `HOST [slots=N]
 * [max_slots=M]`; `slot`, `max-slots` are accepted spellings, spaces around `=` are allowed.
 * A missing slots count means 1. max_slots is checked for form only (pgasc does not map by it).
 * Every line is one entry, also when a host appears twice: each line becomes one node process.
 */
export function parseHostfile(text: string, fileName: string): HostEntry[] {
  const entries: HostEntry[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const origin = `${fileName}:${i + 1}`;
    const line = raw.replace(/#.*$/, "").replace(/\s*=\s*/g, "=").trim();
    if (line === "") return;
    const [host, ...attributes] = line.split(/\s+/);
    if (host.includes("=")) throw new HostSpecError(`${origin}: a line must start with a host name, not '${host}'`);
    checkHost(host, origin);
    let slots = 1;
    let seenSlots = false;
    for (const attribute of attributes) {
      const m = /^([A-Za-z_-]+)=(.*)$/.exec(attribute);
      if (!m) throw new HostSpecError(`${origin}: expected 'slots=N' after the host name, not '${attribute}'`);
      const key = m[1].toLowerCase().replace(/-/g, "_");
      if (key === "slots" || key === "slot") {
        if (seenSlots) throw new HostSpecError(`${origin}: slots given twice`);
        slots = parseCount(m[2], "slots", origin);
        seenSlots = true;
      } else if (key === "max_slots") {
        parseCount(m[2], "max_slots", origin);
      } else {
        throw new HostSpecError(`${origin}: unknown attribute '${m[1]}' (known: slots, max_slots)`);
      }
    }
    entries.push({ host, slots, origin });
  });
  if (entries.length === 0) throw new HostSpecError(`${fileName}: no hosts in the file`);
  return entries;
}

/** Parses `-H h1,h2:4,h3`: comma-separated hosts, each with an optional `:SLOTS` (default 1). */
export function parseHostList(text: string): HostEntry[] {
  const origin = "--hosts";
  const entries: HostEntry[] = [];
  for (const item of text.split(",")) {
    const part = item.trim();
    if (part === "") throw new HostSpecError(`${origin}: empty host name in '${text}'`);
    const m = /^([^:]+)(?::(.*))?$/.exec(part);
    if (!m) throw new HostSpecError(`${origin}: '${part}' is not a host name`);
    checkHost(m[1], origin);
    entries.push({ host: m[1], slots: m[2] === undefined ? 1 : parseCount(m[2], `slots of ${m[1]}`, origin), origin });
  }
  return entries;
}

/** Names that mean "this machine": nodes there are started directly, without --rsh. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || /^127\.\d+\.\d+\.\d+$/.test(host) || host === "::1";
}

/** `user@host` reaches `host`: the address part is what a node listens on and advertises. */
export function addressOf(host: string): string {
  return host.slice(host.lastIndexOf("@") + 1);
}
