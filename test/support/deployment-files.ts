// What the Slurm deployment tests share: the batch script of docs/deployment.md (its `sh
// srun-recipe` block, read at test time), a `pgasc` command that runs this checkout's build, Slurm
// job ids whose pgasc rendezvous ports are free, and a throwaway TLS CA + node certificate.

import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { SLURM_PORT_FIRST, SLURM_PORT_SPAN, slurmRendezvousPort } from "../../runtime/launcher/bootstrap.js";
import type { TlsFiles } from "../../runtime/node/node-config.js";

const root = join(import.meta.dirname, "..", "..");
export const pgascCli = join(root, "dist", "cli", "pgasc.js");

/** The batch script of docs/deployment.md, as the reader sees it. */
export function deploymentRecipe(): string {
  const doc = readFileSync(join(root, "docs", "deployment.md"), "utf8");
  const m = /```sh srun-recipe\n([\s\S]*?)```/.exec(doc);
  if (!m) throw new Error("docs/deployment.md has no ```sh srun-recipe block");
  return m[1];
}

/** The value of `#SBATCH --NAME=VALUE` in a batch script, as a number. */
export function sbatchNumber(script: string, name: string): number {
  const m = new RegExp(`^#SBATCH --${name}=(\\d+)\\s*$`, "m").exec(script);
  if (!m) throw new Error(`the batch script has no #SBATCH --${name}=N line`);
  return Number(m[1]);
}

/** Writes `DIR/pgasc`, a command that runs this checkout's dist/cli/pgasc.js; gives DIR. */
export function installPgascCommand(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "pgasc"), `#!/bin/sh\nexec "${process.execPath}" "${pgascCli}" "$@"\n`);
  chmodSync(join(dir, "pgasc"), 0o755);
  return dir;
}

export function portIsFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * A Slurm job id J such that the rendezvous ports of step 0 of jobs J..J+jobs-1 are free now:
 * pgasc derives them from the job id, and other tests may run on this machine at the same time.
 */
export async function jobIdWithFreePorts(jobs = 1): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const jobId = 100_000 + Math.floor(Math.random() * 900_000);
    let free = true;
    for (let j = 0; j < jobs && free; j++) free = await portIsFree(slurmRendezvousPort(jobId + j, 0), "0.0.0.0");
    if (free) return jobId;
  }
  throw new Error(`no free ports in ${SLURM_PORT_FIRST}..${SLURM_PORT_FIRST + SLURM_PORT_SPAN}`);
}

/** Whether `openssl` runs here. */
export function haveOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}

/**
 * A throwaway CA and one certificate for every node, valid for `altNames` (`IP:127.0.0.2`,
 * `DNS:nid001`), written into `dir`. Needs openssl.
 */
export function throwawayTls(dir: string, altNames: string[]): TlsFiles {
  mkdirSync(dir, { recursive: true });
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=pgasc test CA");
  openssl("req", ...ec, "-keyout", "node.key", "-out", "node.csr", "-subj", "/CN=pgasc node");
  writeFileSync(join(dir, "ext.cnf"), `subjectAltName=${altNames.join(",")}\n`);
  openssl("x509", "-req", "-in", "node.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "node.pem", "-days", "1", "-extfile", "ext.cnf");
  return { cert: join(dir, "node.pem"), key: join(dir, "node.key"), ca: join(dir, "ca.pem") };
}
