#!/usr/bin/env node
// The `pgasc` command (LANGUAGE.md §6): init, check, build, run, and `node` and `tls-init` for
// launchers.
// Consumes the command line; drives compiler/driver and runtime/launcher; exits with LANGUAGE.md's
// statuses (0 ok, 1 diagnostics or runtime error, the `error stop` code, 2 bad command line).

import { Command, Option } from "commander";
import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { basename, dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildHeader, buildModuleFile, diagnosticsText, packageVersion, writeAtomically } from "./build-output.js";
import { collect, nonNegativeInt, nonNegativeNumber, positiveInt, positiveNumber } from "./option-parsers.js";
import { addWorkbenchCommands } from "./workbench/commands.js";
import { unloadableModulePath } from "../runtime/support/program-url.js";
import type { Diagnostic } from "../compiler/diagnostics/diagnostic.js";
import type { Stage, StageObserver } from "../compiler/driver/compile.js";
import type { ObserveOptions } from "../runtime/observe/outputs.js";
import { eventsPerImage } from "../runtime/observe/options.js";

const HELLO = `// hello: every image says hello. Try: pgasc run -n 4
print("hello from image", this_image(), "of", num_images())
`;

/** A user-facing failure: one line on stderr, then exit with `status`. */
class CliError extends Error {
  constructor(
    message: string,
    readonly status = 1,
  ) {
    super(message);
  }
}

function readSource(file: string): string {
  if (!existsSync(file)) throw new CliError(`pgasc: ${file}: no such file`);
  if (statSync(file).isDirectory()) throw new CliError(`pgasc: ${file}: is a directory (give a .pgas file)`);
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new CliError(`pgasc: ${file}: cannot read: ${(e as Error).message}`);
  }
}

function reportDiagnostics(diagnostics: Diagnostic[], text: string): void {
  process.stderr.write(diagnosticsText(diagnostics, text, process.stderr.isTTY === true));
}

/** Where `build` writes by default: build/NAME.mjs beside the source. */
function defaultOutput(file: string): string {
  const name = basename(file, extname(file)) + ".mjs";
  const beside = join(dirname(file), "build");
  const usable = isWritableDir(existsSync(beside) ? beside : dirname(file)) && unloadableModulePath(beside) === undefined;
  if (usable) return join(beside, name);
  // A program in a read-only place (a shared folder, a system path) or in a folder that Node
  // cannot import a module from is built into a cache directory keyed by its absolute path.
  const key = createHash("sha256").update(resolve(file)).digest("hex").slice(0, 16);
  return join(tmpdir(), `pgasc-${process.getuid?.() ?? "user"}`, key, name);
}

function isWritableDir(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

async function loadDriver() {
  return import("../compiler/driver/compile.js");
}

async function cmdCheck(file: string): Promise<number> {
  const text = readSource(file);
  const { checkSource } = await loadDriver();
  const result = checkSource(text, file);
  reportDiagnostics(result.diagnostics, text);
  return result.ok ? 0 : 1;
}

type Emit = "js" | "ts" | "ast";

async function cmdBuild(file: string, opts: { output?: string; emit: Emit; dumpPasses?: string }): Promise<number> {
  const text = readSource(file);
  const dir = opts.dumpPasses;
  if (dir === undefined) return buildAs(file, text, opts);
  if (opts.emit === "ast") {
    process.stderr.write("pgasc: --dump-passes shows the whole build: use it with --emit js or ts\n");
    return 2;
  }
  const stages: Stage[] = [];
  const status = await buildAs(file, text, opts, (stage) => stages.push(stage));
  const { writePassDump } = await import("./workbench/pass-dump.js");
  writePassDump(dir, file, stages);
  process.stderr.write(`pgasc: ${stages.length} stages of the build in ${dir} (open ${join(dir, "index.html")})\n`);
  return status;
}

/** `pgasc build` proper; `observe` sees every stage (--dump-passes). */
async function buildAs(file: string, text: string, opts: { output?: string; emit: Emit }, observe?: StageObserver): Promise<number> {
  const { checkSource, buildSource } = await loadDriver();
  if (opts.emit === "ast") {
    const result = checkSource(text, file);
    reportDiagnostics(result.diagnostics, text);
    if (!result.ok) return 1;
    const json = JSON.stringify(result.program, null, 2) + "\n";
    if (opts.output && opts.output !== "-") writeAtomically(opts.output, json);
    else process.stdout.write(json);
    return 0;
  }
  if (opts.emit === "js" && opts.output !== "-") {
    const built = await buildModuleFile(text, file, opts.output ?? defaultOutput(file), process.stderr.isTTY === true, observe);
    process.stderr.write(built.diagnostics);
    return built.ok ? 0 : 1;
  }
  const result = await buildSource(text, file, observe);
  reportDiagnostics(result.diagnostics, text);
  if (!result.ok || result.js === undefined || result.ts === undefined) return 1;
  if (opts.emit === "ts") {
    if (opts.output && opts.output !== "-") writeAtomically(opts.output, result.ts);
    else process.stdout.write(result.ts);
    return 0;
  }
  process.stdout.write(result.js);
  return 0;
}

/** Builds `file` into `output` unless the output was built from this source by this compiler. */
async function ensureBuilt(file: string, output: string): Promise<boolean> {
  const text = readSource(file);
  const header = buildHeader(text);
  if (existsSync(output)) {
    const first = readFileSync(output, "utf8").slice(0, header.length);
    if (first === header) return true;
  }
  return (await cmdBuild(file, { output, emit: "js" })) === 0;
}

interface RunOptions {
  images?: number;
  output?: string;
  label?: boolean;
  timeout?: number;
  deadlockTimeout?: number;
  nodes?: number;
  hosts?: string;
  hostfile?: string;
  rsh?: string;
  show?: boolean;
  oversubscribe?: boolean;
  export?: string[];
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  insecure?: boolean;
  profile?: boolean;
  trace?: string;
  checkpointDir?: string;
  restart?: boolean;
  restartOnFailure?: number;
}

/** The checkpoint directory: `--checkpoint-dir`, else NAME.ckpt beside the .pgas program; absolute. */
async function checkpointDir(file: string, opts: RunOptions): Promise<string> {
  const { defaultCheckpointDir } = await import("../runtime/checkpoint/storage.js");
  return resolve(opts.checkpointDir ?? defaultCheckpointDir(resolve(file)));
}

/** `--profile` / `--trace FILE` (made absolute: node processes may run elsewhere); undefined without either. */
function observeOptions(opts: RunOptions): ObserveOptions | undefined {
  if (!opts.profile && opts.trace === undefined) return undefined;
  const observe: ObserveOptions = { profile: opts.profile ?? false };
  if (opts.trace !== undefined) observe.tracePath = resolve(opts.trace);
  const events = eventsPerImage(process.env.PGASC_TRACE_EVENTS);
  if (typeof events === "object") throw new CliError(`pgasc: ${events.problem}`, 2);
  if (events !== undefined) observe.eventsPerImage = events;
  return observe;
}

/** The compiled program's path for `run`: one that the image threads can import. */
function runOutput(file: string, output: string | undefined): string {
  if (output === undefined) return defaultOutput(file);
  const problem = unloadableModulePath(output);
  if (problem) throw new CliError(`pgasc: ${output}: ${problem}; give another -o`, 2);
  return output;
}

/** `-x VAR=VALUE` as given, `-x VAR` from this environment: the variables to pass on. */
function exportedVariables(specs: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    const name = eq < 0 ? spec : spec.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new CliError(`pgasc: -x ${spec}: expected VAR or VAR=VALUE`, 2);
    const value = eq < 0 ? process.env[name] : spec.slice(eq + 1);
    if (value === undefined) throw new CliError(`pgasc: -x ${name}: ${name} is not set here (give -x ${name}=VALUE)`, 2);
    out[name] = value;
  }
  return out;
}

async function cmdRun(file: string, programArgs: string[], opts: RunOptions): Promise<number> {
  const multiNode = opts.nodes !== undefined || opts.hosts !== undefined || opts.hostfile !== undefined;
  const exported = exportedVariables(opts.export);
  if (!multiNode) {
    for (const [flag, given] of [["--rsh", opts.rsh], ["--show", opts.show], ["--tls-cert", opts.tlsCert], ["--tls-key", opts.tlsKey], ["--tls-ca", opts.tlsCa], ["--insecure", opts.insecure]] as const) {
      if (given !== undefined) throw new CliError(`pgasc: ${flag} needs --nodes, -H/--hosts or --hostfile`, 2);
    }
    const images = opts.images ?? availableParallelism();
    const { thisMachine, tooManyImagesHere } = await import("../runtime/launcher/image-limits.js");
    const crowded = tooManyImagesHere(images, thisMachine(), opts.oversubscribe ?? false);
    if (crowded) throw new CliError(`pgasc: ${crowded}`, 2);
    const output = runOutput(file, opts.output);
    if (!(await ensureBuilt(file, output))) return 1;
    const { CheckpointOptionError, checkpointForLaunch } = await import("../runtime/launcher/restarts.js");
    let checkpoint: Awaited<ReturnType<typeof checkpointForLaunch>>;
    try {
      const dir = await checkpointDir(file, opts);
      checkpoint = await checkpointForLaunch({ module: resolve(output), dir, restart: opts.restart ?? false, images, visible: true, check: true });
    } catch (e) {
      if (e instanceof CheckpointOptionError) throw new CliError(e.message, e.status);
      throw e;
    }
    const { runLocalProcess } = await import("../runtime/launcher/run-local-process.js");
    return runLocalProcess(
      {
        program: resolve(output),
        images,
        args: programArgs,
        label: opts.label ?? false,
        timeoutSeconds: opts.timeout,
        deadlockTimeoutSeconds: opts.deadlockTimeout,
        observe: observeOptions(opts),
        checkpoint: checkpoint?.settings,
      },
      exported,
      { limit: opts.restartOnFailure ?? 0, checkpoint },
    );
  }
  const { LauncherError, checkLaunchOptions, runMultiNode } = await import("../runtime/launcher/run-job.js");
  const output = runOutput(file, opts.output);
  const launch = {
    program: resolve(output),
    args: programArgs,
    images: opts.images,
    nodes: opts.nodes,
    hosts: opts.hosts,
    hostfile: opts.hostfile,
    rsh: opts.rsh,
    label: opts.label ?? false,
    timeoutSeconds: opts.timeout,
    deadlockTimeoutSeconds: opts.deadlockTimeout,
    observe: observeOptions(opts),
    checkpoint: { dir: await checkpointDir(file, opts), restart: opts.restart ?? false },
    restartOnFailure: opts.restartOnFailure,
    tlsCert: opts.tlsCert,
    tlsKey: opts.tlsKey,
    tlsCa: opts.tlsCa,
    insecure: opts.insecure ?? false,
    oversubscribe: opts.oversubscribe ?? false,
    show: opts.show ?? false,
    exported,
    defaultImages: availableParallelism(),
    nodeExecutable: process.execPath,
    pgascScript: fileURLToPath(import.meta.url),
  };
  try {
    // Bad hosts or options are reported before any time goes into building.
    checkLaunchOptions(launch);
    readSource(file);
    // --show builds too: the commands it prints name the compiled program, which must exist.
    if (!(await ensureBuilt(file, output))) return 1;
    return await runMultiNode(launch);
  } catch (e) {
    if (e instanceof LauncherError) throw new CliError(e.message, e.status);
    throw e;
  }
}

interface NodeOptions {
  images?: number;
  label?: boolean;
  timeout?: number;
  deadlockTimeout?: number;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  insecure?: boolean;
}

async function cmdNode(program: string | undefined, programArgs: string[], opts: NodeOptions): Promise<number> {
  const { NodeSetupError, runNodeCommand } = await import("../runtime/launcher/node-command.js");
  try {
    return await runNodeCommand({
      program,
      args: programArgs,
      images: opts.images,
      label: opts.label,
      timeoutSeconds: opts.timeout,
      deadlockTimeoutSeconds: opts.deadlockTimeout,
      tls: { cert: opts.tlsCert, key: opts.tlsKey, ca: opts.tlsCa },
      insecure: opts.insecure,
    });
  } catch (e) {
    if (e instanceof NodeSetupError) throw new CliError(e.message, e.status);
    throw e;
  }
}

/** `pgasc tls-init DIR`: TLS material for nodes started by Slurm, Kubernetes or by hand. */
async function cmdTlsInit(dir: string, opts: { days: number }): Promise<number> {
  const { TlsInitError, createJobTls, writeTlsDirectory } = await import("../runtime/launcher/tls-material.js");
  try {
    // Quiet on success, as `build` is: batch scripts run it among the job's own output.
    writeTlsDirectory(dir, await createJobTls(opts.days));
    return 0;
  } catch (e) {
    if (e instanceof TlsInitError) throw new CliError(`pgasc: ${e.message}`);
    throw e;
  }
}

/** `pgasc report FILE`: the HTML page of a trace written by `pgasc run --trace` (cli/report/). */
async function cmdReport(file: string, opts: { output?: string }): Promise<number> {
  const { ReportError, writeReport } = await import("./report/write-report.js");
  try {
    process.stdout.write(`wrote ${writeReport(file, opts.output)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ReportError) throw new CliError(`pgasc: ${e.message}`);
    throw e;
  }
}

function cmdInit(dir: string): number {
  const target = join(dir, "main.pgas");
  if (existsSync(target)) throw new CliError(`pgasc: ${target} already exists; not overwriting it`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(target, HELLO);
  process.stdout.write(`created ${target}\nnext: ${dir === "." ? "" : `cd ${dir} && `}pgasc build && pgasc run -n 4\n`);
  return 0;
}

/** Spellings users bring from mpirun/cafrun, as ours (before the program's `--`). */
const ALIASES: Record<string, string> = { "-np": "-n", "--tag-output": "--label" };

async function main(argv: string[]): Promise<number> {
  // Everything after the first `--` belongs to the program being run, never to pgasc.
  const dashdash = argv.indexOf("--", 2);
  const programArgs = dashdash >= 0 ? argv.slice(dashdash + 1) : [];
  const ours = (dashdash >= 0 ? argv.slice(0, dashdash) : argv).map((word, i) => (i >= 2 ? ALIASES[word] ?? word : word));

  let status = 0;
  const cli = new Command("pgasc")
    .description("Compiler and runtime for the PGAS language: coarrays, shared arrays, one-sided put/get")
    .version(packageVersion, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .showHelpAfterError("(run 'pgasc --help' for usage)")
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .exitOverride();

  cli
    .command("init")
    .description("create DIR/main.pgas, a hello-world program")
    .argument("[dir]", "directory", ".")
    .action((dir: string) => {
      status = cmdInit(dir);
    });

  cli
    .command("check")
    .description("report diagnostics only")
    .argument("[file]", "program", "main.pgas")
    .action(async (file: string) => {
      status = await cmdCheck(file);
    });

  cli
    .command("build")
    .description("compile a program (default output: build/NAME.mjs beside it)")
    .argument("[file]", "program", "main.pgas")
    .option("-o, --output <out>", "output file ('-': standard output)")
    .addOption(new Option("--emit <what>", "what to produce").choices(["js", "ts", "ast"]).default("js"))
    .option("--dump-passes <dir>", "also write every stage of the build (tree, storage, LIR after each pass, TypeScript, JavaScript) to DIR, with DIR/index.html showing each beside the one before")
    .action(async (file: string, opts: { output?: string; emit: Emit; dumpPasses?: string }) => {
      status = await cmdBuild(file, opts);
    });

  cli
    .command("run")
    .description("build if stale, then run N images (arguments after -- go to the program)")
    .argument("[file]", "program", "main.pgas")
    .option("-n, --images <N>", "number of images (default: the CPU cores; with hosts, their total slots; also -np)", positiveInt("-n"))
    .option("-o, --output <out>", "where the compiled program is kept")
    .option("-l, --label", "prefix each output line with its image, '3: text' (also --tag-output)")
    .option("--timeout <seconds>", "end the run after this many seconds, start-up included", positiveNumber)
    .option(
      "--deadlock-timeout <seconds>",
      "end the run when no image made progress this long, with each image's statement (default 30; 0: off; certain deadlocks at once)",
      nonNegativeNumber,
    )
    .option("--nodes <K>", "K node processes (on this host, or dealt over the hosts)", positiveInt("--nodes"))
    .option("-H, --hosts <list>", "comma-separated hosts, each HOST or HOST:SLOTS, one node process each")
    .option("--hostfile <file>", "hosts file: lines 'HOST slots=N', one node process each")
    .option("--rsh <cmd>", "remote shell that starts node processes on other hosts (default: ssh)")
    .option("--oversubscribe", "allow more images than the hosts' slots, or than 8 per core (and memory) on this host")
    .option("-x, --export <VAR[=VALUE]>", "pass an environment variable to every node process (repeatable)", collect, [] as string[])
    .option("--show", "print the commands that would start the node processes, run nothing")
    .option("--tls-cert <file>", "PEM certificate of every node (multi-host runs)")
    .option("--tls-key <file>", "PEM private key of that certificate")
    .option("--tls-ca <file>", "PEM certificate of the CA that signed every node's certificate")
    .option("--insecure", "across hosts: nodes talk in clear text (default: mutual TLS with material made for the job)")
    .option("--profile", "at the end, print on stderr where the program communicated and waited, per line and per image")
    .option("--trace <file>", "write a trace of the run (Chrome trace-event JSON: Perfetto opens it; pgasc report makes a page of it)")
    .option("--checkpoint-dir <dir>", "where checkpoint statements save the job (default: NAME.ckpt beside the program)")
    .option("--restart", "start from the last complete checkpoint (same program, same -n; any node split)")
    .option("--restart-on-failure <K>", "when a node process dies (a signal, a hung node), run the job again from its last checkpoint, at most K times", nonNegativeInt)
    .action(async (file: string, opts: RunOptions) => {
      status = await cmdRun(file, programArgs, opts);
    });

  cli
    .command("node")
    .description("run one node process of a multi-node job from PGASC_*, Slurm or Kubernetes variables (docs/deployment.md)")
    .argument("[module]", "the compiled program (pgasc build FILE.pgas -o OUT.mjs); default $PGASC_PROGRAM")
    .option("-n, --images <N>", "number of images of the whole job (default $PGASC_IMAGES)", positiveInt("-n"))
    .option("-l, --label", "prefix each output line with its image (default $PGASC_LABEL)")
    .option("--timeout <seconds>", "end the run after this many seconds (default $PGASC_TIMEOUT)", positiveNumber)
    .option("--deadlock-timeout <seconds>", "deadlock watchdog: seconds without progress, 0 off (default $PGASC_DEADLOCK_TIMEOUT or 30)", nonNegativeNumber)
    .option("--tls-cert <file>", "PEM certificate of this node (default $PGASC_TLS_CERT)")
    .option("--tls-key <file>", "PEM private key (default $PGASC_TLS_KEY)")
    .option("--tls-ca <file>", "PEM CA certificate (default $PGASC_TLS_CA)")
    .option("--insecure", "accept clear text across hosts (default $PGASC_INSECURE; refused otherwise)")
    .action(async (module: string | undefined, opts: NodeOptions) => {
      status = await cmdNode(module, programArgs, opts);
    });

  cli
    .command("tls-init")
    .description("write a fresh CA and node certificate for the nodes of a job: DIR/ca.pem, DIR/node.pem, DIR/node-key.pem (0600)")
    .argument("<dir>", "directory (created if missing; existing files are never replaced)")
    .option("--days <N>", "days the certificates are valid", positiveInt("--days"), 365)
    .action(async (dir: string, opts: { days: number }) => {
      status = await cmdTlsInit(dir, opts);
    });

  cli
    .command("report")
    .description("write an HTML page of a trace from pgasc run --trace: timeline, communication matrix, lines, waits (default output: FILE as .html)")
    .argument("<file>", "the trace file")
    .option("-o, --output <out>", "the HTML file to write")
    .action(async (file: string, opts: { output?: string }) => {
      status = await cmdReport(file, opts);
    });

  addWorkbenchCommands(cli, (value) => (status = value));

  // No command at all is a usage error, as with mpirun and cafrun: the help, then status 2.
  if (ours.length <= 2) {
    process.stderr.write(cli.helpInformation());
    return 2;
  }
  try {
    await cli.parseAsync(ours);
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(e.message + "\n");
      return e.status;
    }
    const code = (e as { code?: string }).code;
    if (code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help") return 0;
    if (typeof code === "string" && code.startsWith("commander.")) return 2;
    throw e;
  }
  return status;
}

main(process.argv).then(
  (status) => {
    // Exit now: a finished run must not linger on some handle. On Linux, writes to pipes, files
    // and terminals are synchronous, so nothing written is lost.
    process.exit(status);
  },
  (e: unknown) => {
    // A failure of pgasc itself: say so plainly, once, without a wall of internals.
    process.stderr.write(`pgasc: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    if (process.env.PGASC_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
    process.exit(70);
  },
);
