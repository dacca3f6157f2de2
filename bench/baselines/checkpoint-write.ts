// The JS baseline of the checkpoint figures: one process writes MIB mebibytes (default 1024) to a
// file of the temporary directory with fs.writeFileSync; with `fsync`, the file is then fsynced
// (on disk, as a checkpoint must be). One timed write per process, as the pgasc side does one
// checkpoint per run. Usage: checkpoint-write.js MIB [plain|fsync]; prints RESULT write_file_s or
// write_file_fsync_s.

import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const mib = Number(process.argv[2] ?? 1024);
const durable = process.argv[3] === "fsync";
const data = Buffer.alloc(mib * 1024 * 1024, 0x5a);
const dir = mkdtempSync(join(tmpdir(), "pgasc-bench-write-"));
try {
  const path = join(dir, "data.bin");
  const t0 = performance.now();
  writeFileSync(path, data);
  if (durable) {
    const fd = openSync(path, "r");
    fsyncSync(fd);
    closeSync(fd);
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(`RESULT ${durable ? "write_file_fsync_s" : "write_file_s"} ${seconds} s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
