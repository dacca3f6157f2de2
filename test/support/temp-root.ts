// vitest globalSetup: one temporary directory for the whole run. Every test, and every process a
// test starts (pgasc, node processes, Slurm's daemons and jobs, chromium), finds it as TMPDIR, so
// what they leave behind (hundreds of directories per run) goes when the run ends instead of
// piling up in /tmp. Consumes nothing; produces TMPDIR for the run and its removal afterwards.

import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const before = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), "pgasc-test-"));
  // Like /tmp: Slurm's jobs and munged run as other users and need to write or reach in here.
  chmodSync(root, 0o1777);
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(root, { recursive: true, force: true });
  };
}
