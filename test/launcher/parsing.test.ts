// Unit tests of the launcher's parsers: Slurm hostlist expansion, Open MPI style hostfiles and
// -H lists, shell quoting and --rsh splitting. Consumes strings; asserts the parsed values and
// the exact error messages users see.

import { describe, expect, it } from "vitest";
import { HostSpecError, addressOf, isLoopbackHost, parseHostList, parseHostfile } from "../../runtime/launcher/hostfile.js";
import { HostlistError, expandHostlist } from "../../runtime/launcher/hostlist.js";
import { quoteCommand, quoteWord, splitWords } from "../../runtime/launcher/shell-words.js";
import { spawnSync } from "node:child_process";

describe("Slurm hostlist expansion", () => {
  const cases: [string, string[]][] = [
    ["n1", ["n1"]],
    ["nid[001-004]", ["nid001", "nid002", "nid003", "nid004"]],
    ["a[1,3-5]b", ["a1b", "a3b", "a4b", "a5b"]],
    ["n1,n[2-3]", ["n1", "n2", "n3"]],
    ["n[08-11]", ["n08", "n09", "n10", "n11"]],
    ["n[8-11]", ["n8", "n9", "n10", "n11"]],
    ["r[1-2]n[01-02]", ["r1n01", "r1n02", "r2n01", "r2n02"]],
    ["gpu[1-2],cpu[7],login", ["gpu1", "gpu2", "cpu7", "login"]],
    ["x[5]", ["x5"]],
    ["[1-3]", ["1", "2", "3"]],
    ["host-a.example.org,host-b.example.org", ["host-a.example.org", "host-b.example.org"]],
    ["n[1, 3 - 4]", ["n1", "n3", "n4"]],
    ["n[1,1]", ["n1", "n1"]],
    [" n[1-2] ", ["n1", "n2"]],
  ];
  for (const [text, hosts] of cases) {
    it(`'${text}'`, () => expect(expandHostlist(text)).toEqual(hosts));
  }

  const bad: [string, RegExp][] = [
    ["", /empty/],
    ["n[1-3", /'\[' without '\]'/],
    ["n1-3]", /'\]' without '\['/],
    ["n[[1]]", /nested/],
    ["n[]", /empty brackets/],
    ["n[a-c]", /bad range 'a-c'/],
    ["n[5-3]", /goes downwards/],
    ["n1,,n2", /empty host name/],
    ["n[1-99999999]", /more than/],
    ["r[1-2000]n[1-2000]", /more than/],
  ];
  for (const [text, message] of bad) {
    it(`rejects '${text}'`, () => {
      expect(() => expandHostlist(text)).toThrow(HostlistError);
      expect(() => expandHostlist(text)).toThrow(message);
    });
  }
});

describe("hostfiles", () => {
  it("reads hosts, slots, comments, blank lines and max_slots", () => {
    const text = [
      "# the cluster",
      "",
      "node1 slots=4",
      "node2   slots = 2  max_slots=8   # a comment",
      "10.0.0.7",
      "  user@node3 slot=1 max-slots=2",
      "node1 slots=2",
      "\t",
    ].join("\n");
    expect(parseHostfile(text, "hosts.txt")).toEqual([
      { host: "node1", slots: 4, origin: "hosts.txt:3" },
      { host: "node2", slots: 2, origin: "hosts.txt:4" },
      { host: "10.0.0.7", slots: 1, origin: "hosts.txt:5" },
      { host: "user@node3", slots: 1, origin: "hosts.txt:6" },
      { host: "node1", slots: 2, origin: "hosts.txt:7" },
    ]);
  });

  it("accepts CRLF line ends", () => {
    expect(parseHostfile("a slots=2\r\nb\r\n", "h")).toEqual([
      { host: "a", slots: 2, origin: "h:1" },
      { host: "b", slots: 1, origin: "h:2" },
    ]);
  });

  const bad: [string, string][] = [
    ["a slots=0", "h:1: slots must be a whole number of at least 1, not '0'"],
    ["a slots=x", "h:1: slots must be a whole number of at least 1, not 'x'"],
    ["a slots=-2", "h:1: slots must be a whole number of at least 1, not '-2'"],
    ["a\nb slots=2 slots=3", "h:2: slots given twice"],
    ["a cpus=4", "h:1: unknown attribute 'cpus' (known: slots, max_slots)"],
    ["a 4", "h:1: expected 'slots=N' after the host name, not '4'"],
    ["slots=4", "h:1: a line must start with a host name, not 'slots=4'"],
    ["a;rm slots=1", "h:1: 'a;rm' is not a host name (letters, digits, '.', '-', '_', '@' only)"],
    ["# nothing\n\n", "h: no hosts in the file"],
  ];
  for (const [text, message] of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      expect(() => parseHostfile(text, "h")).toThrow(HostSpecError);
      expect(() => parseHostfile(text, "h")).toThrow(message);
    });
  }

  it("-H lists: HOST and HOST:SLOTS", () => {
    expect(parseHostList("a,b:3, c")).toEqual([
      { host: "a", slots: 1, origin: "--hosts" },
      { host: "b", slots: 3, origin: "--hosts" },
      { host: "c", slots: 1, origin: "--hosts" },
    ]);
    expect(() => parseHostList("a,,b")).toThrow("--hosts: empty host name in 'a,,b'");
    expect(() => parseHostList("a:0")).toThrow("--hosts: slots of a must be a whole number of at least 1, not '0'");
    expect(() => parseHostList("a b")).toThrow("is not a host name");
  });

  it("loopback names and user@host addresses", () => {
    expect(["localhost", "127.0.0.1", "127.1.2.3", "::1"].every(isLoopbackHost)).toBe(true);
    expect(["10.0.0.1", "node1", "localhost.example"].some(isLoopbackHost)).toBe(false);
    expect(addressOf("me@node1")).toBe("node1");
    expect(addressOf("node1")).toBe("node1");
  });
});

describe("shell words", () => {
  it("quotes only what needs it", () => {
    expect(quoteWord("PGASC_IMAGES=4")).toBe("PGASC_IMAGES=4");
    expect(quoteWord("/usr/bin/node")).toBe("/usr/bin/node");
    expect(quoteWord("")).toBe("''");
    expect(quoteWord("a b")).toBe("'a b'");
    expect(quoteWord("it's")).toBe(`'it'\\''s'`);
    expect(quoteWord("$HOME")).toBe("'$HOME'");
    expect(quoteCommand(["echo", "a b", "c"])).toBe("echo 'a b' c");
  });

  it("a POSIX shell reads the quoted words back unchanged", () => {
    const words = ["plain", "two words", "it's", '"double"', "$HOME", "`date`", "back\\slash", "", "*", "new\nline", "ünï"];
    const script = `for w in ${quoteCommand(words)}; do printf '%s\\0' "$w"; done`;
    const r = spawnSync("sh", ["-c", script], { encoding: "utf8" });
    expect(r.stdout.split("\0").slice(0, -1)).toEqual(words);
  });

  it("splits an --rsh command like a shell", () => {
    expect(splitWords("ssh")).toEqual(["ssh"]);
    expect(splitWords("  ssh -p 2222   -o BatchMode=yes ")).toEqual(["ssh", "-p", "2222", "-o", "BatchMode=yes"]);
    expect(splitWords(`ssh -o 'ProxyCommand ssh gw nc %h %p' -i "my key"`)).toEqual(["ssh", "-o", "ProxyCommand ssh gw nc %h %p", "-i", "my key"]);
    expect(splitWords(`a\\ b "c\\"d" ''`)).toEqual(["a b", 'c"d', ""]);
    expect(splitWords("")).toEqual([]);
    expect(() => splitWords("ssh 'oops")).toThrow("unterminated '");
    expect(() => splitWords('ssh "oops')).toThrow('unterminated "');
  });
});
