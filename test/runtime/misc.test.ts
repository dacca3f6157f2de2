// random() streams, program arguments, wtime, arithmetic helpers and whole-line output from many
// images (with --label) through real worker threads. Consumes fixture misc.mjs via dist/.

import { describe, expect, it } from "vitest";
import { lines, runFixture } from "./harness.js";

describe("random, args, output", () => {
  it("random streams are reproducible and differ per image; seed(k) restarts them", async () => {
    const a = await runFixture("misc.mjs", 4);
    const b = await runFixture("misc.mjs", 4);
    expect(a.status).toBe(0);
    const rand = (out: string) => lines(out).filter((l) => l.startsWith("rand ")).sort();
    expect(rand(a.stdout)).toEqual(rand(b.stdout));
    const streams = new Set(rand(a.stdout).map((l) => l.split(" ").slice(2).join(" ")));
    expect(streams.size).toBe(4);
    for (const line of lines(a.stdout).filter((l) => l.startsWith("seeded "))) {
      const parts = line.split(" ");
      expect(parts[5]).toBe(parts[2]);
      for (const v of parts.slice(2, 4)) expect(Number(v) >= 0 && Number(v) < 1).toBe(true);
    }
  });

  it("program arguments, defaults and helpers", async () => {
    const r = await runFixture("misc.mjs", 1, { args: ["hello", "-42", "2.5e3"] });
    expect(r.status).toBe(0);
    const out = lines(r.stdout);
    expect(out).toContain("args 3 [hello] [] -42 -1 2500.0 0.5");
    expect(out).toContain("wtime ok");
    expect(out).toContain("arith -3 -1 81 -2 2 1e+16 true");
  });

  it("lines are whole, labelled, and in order per image at 16 images", async () => {
    const r = await runFixture("misc.mjs", 16, { label: true });
    expect(r.status).toBe(0);
    const next = new Array(16).fill(0);
    for (const line of lines(r.stdout)) {
      const m = /^(\d+): (\w+) (\S+)(.*)$/.exec(line);
      expect(m, line).not.toBeNull();
      if (["rand", "seeded", "line"].includes(m![2])) expect(m![3]).toBe(m![1]);
      if (m![2] === "line") {
        const body = / (\d+) (x+)$/.exec(m![4])!;
        expect(Number(body[1])).toBe(next[Number(m![1])]++);
        expect(body[2].length).toBe(100 + ((Number(body[1]) * 37) % 300));
      }
    }
    expect(next).toEqual(new Array(16).fill(200));
  });
});
