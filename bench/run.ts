// `npm run bench` (= build, then node dist/bench/run.js [--quick] [--repeats N] [--only TEXT]
// [--no-extras] [--charts DIR]): runs the suite — pgasc kernels vs OpenCoarrays, hand-written JS and C — and
// prints the table, writing bench/results/latest.json, latest.html and latest.md.

import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { builtModule, commandOf, compileCBaseline, compileFortranPeer, runCommand, which, type Paths } from "./harness/exec.js";
import { buildCatalogue, jobKey, type Figure, type Job, type Source } from "./harness/figures.js";
import { formatGoalSummary, formatMarkdown, formatTable, type ChartPoint, type FigureResult, type Report, type SideResult } from "./harness/report.js";
import { chartsOf, renderHtml } from "./harness/report-html.js";
import { evaluateGoal, median, parseResultLines, shortfall, speedRatio } from "./harness/results.js";

interface Options {
  renderOnly: boolean;
  /** Also write each chart as DIR/NAME.svg (docs/performance/ keeps the committed ones). */
  charts?: string;
  quick: boolean;
  repeats: number;
  only: string[];
  extras: boolean;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { renderOnly: false, quick: false, repeats: 3, only: [], extras: true };
  let repeatsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--quick") o.quick = true;
    else if (a === "--repeats") (o.repeats = Math.max(1, Number(argv[++i]))), (repeatsGiven = true);
    else if (a === "--only") o.only.push(argv[++i] ?? "");
    else if (a === "--no-extras") o.extras = false;
    else if (a === "--render-only") o.renderOnly = true;
    else if (a === "--charts") o.charts = argv[++i];
    else if (a === "--help" || a === "-h") {
      console.log("usage: node dist/bench/run.js [--quick] [--repeats N] [--only TEXT]... [--no-extras] [--render-only] [--charts DIR]");
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (o.quick && !repeatsGiven) o.repeats = 1;
  if (o.quick) o.extras = false;
  return o;
}

/** Per job: the samples of each RESULT name over the repeats, or why the job gave nothing. */
interface JobOutcome {
  samples: Map<string, number[]>;
  failure?: string;
  invalid?: string;
  command: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");
const paths: Paths = {
  repo,
  cli: join(repo, "dist", "cli", "pgasc.js"),
  kernels: join(repo, "bench", "kernels"),
  peers: join(repo, "bench", "peers"),
  baselines: join(here, "baselines"),
  results: join(repo, "bench", "results"),
};

async function crossNodeStatus(): Promise<string | null> {
  const probe = await runCommand(process.execPath, [paths.cli, "run", "--nodes", "2", "-n", "2", "--timeout", "30", join(repo, "samples", "hello.pgas")], { timeoutSeconds: 45 });
  if (probe.status === 0 && probe.stdout.includes("hello")) return null;
  const why = (probe.stderr.trim().split("\n")[0] ?? "").trim() || `exit status ${probe.status}`;
  return `pgasc run --nodes 2 does not work yet (${why})`;
}

function describe(job: Job): string {
  const nodes = job.nodes && job.nodes > 1 ? ` --nodes ${job.nodes}` : "";
  return `${job.side} ${job.program} -n ${job.images}${nodes} ${job.args.join(" ")}`.trim();
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.renderOnly) {
    // re-render the last run's JSON (after a change to the report writers), measuring nothing
    const report = JSON.parse(readFileSync(join(paths.results, "latest.json"), "utf8")) as Report;
    writeReport(report, options.charts);
    return;
  }
  const started = Date.now();
  mkdirSync(join(paths.results, "build"), { recursive: true });
  const notes: string[] = [];

  if (!existsSync(paths.cli)) throw new Error(`${paths.cli} is missing: run npm run build first`);
  const samples = readdirSync(join(repo, "samples")).filter((f) => f.endsWith(".pgas")).sort().map((f) => join(repo, "samples", f));
  const crossNode = await crossNodeStatus();
  if (crossNode) notes.push(`Cross-node pgasc figures skipped: ${crossNode}. They fill in automatically once it works.`);

  let figures = buildCatalogue({ quick: options.quick, crossNodeUnavailable: crossNode, samples });
  if (options.only.length) figures = figures.filter((f) => options.only.some((o) => f.id.includes(o) || f.group.includes(o)));
  const groupOrder = [...new Set(figures.map((f) => f.group))];
  figures = figures.map((f, i) => ({ f, i })).sort((a, b) => groupOrder.indexOf(a.f.group) - groupOrder.indexOf(b.f.group) || a.i - b.i).map((x) => x.f);

  // --- peers: find OpenCoarrays, compile the Fortran programs the figures need --------------
  const binaries = new Map<string, string>();
  const unavailable = new Map<string, string>(); // job side+program -> reason
  const cafPrograms = new Set(figures.flatMap((f) => [f.peer?.job]).filter((j): j is Job => !!j && j.side.startsWith("caf")).map((j) => j.program));
  if (cafPrograms.size) {
    const missing = ["caf", "cafrun", "gfortran"].filter((t) => !which(t));
    if (missing.length) {
      const why = `OpenCoarrays not found (${missing.join(", ")} missing; apt-get install gfortran libcoarrays-openmpi-dev libopenmpi-dev openmpi-bin)`;
      notes.push(`${why}: the Coarray Fortran peers are skipped.`);
      for (const p of cafPrograms) unavailable.set(`caf:${p}`, why);
    } else {
      for (const p of cafPrograms) {
        const r = compileFortranPeer(paths, p);
        if (r.binary) binaries.set(p, r.binary);
        else {
          unavailable.set(`caf:${p}`, r.error!);
          notes.push(r.error!);
        }
      }
    }
  }
  const jsPrograms = new Set(figures.flatMap((f) => [f.peer?.job]).filter((j): j is Job => j?.side === "js").map((j) => j.program));
  for (const p of jsPrograms) {
    if (!existsSync(join(paths.baselines, `${p}.js`))) unavailable.set(`js:${p}`, `dist/bench/baselines/${p}.js missing (npm run build)`);
  }
  const cPrograms = new Set(figures.flatMap((f) => [f.peer?.job]).filter((j): j is Job => j?.side === "c").map((j) => j.program));
  for (const p of cPrograms) {
    const r = compileCBaseline(paths, p);
    if (r.binary) binaries.set(`c:${p}`, r.binary);
    else {
      unavailable.set(`c:${p}`, r.error!);
      notes.push(r.error!);
    }
  }

  // --- pgasc: build each kernel once, so the timed runs never include a build ----------------
  const pgascPrograms = new Set(figures.flatMap((f) => (f.pgasc && "job" in f.pgasc && f.pgasc.job.side === "pgasc" ? [f.pgasc.job.program] : [])));
  for (const p of pgascPrograms) {
    const r = await runCommand(process.execPath, [paths.cli, "build", join(paths.kernels, `${p}.pgas`), "-o", builtModule(paths, p)], { timeoutSeconds: 120 });
    if (r.status !== 0) {
      const why = `pgasc build ${p}.pgas failed: ${r.stderr.trim().split("\n").slice(0, 3).join(" | ")}`;
      unavailable.set(`pgasc:${p}`, why);
      notes.push(why);
    }
  }
  const availability = (job: Job): string | undefined =>
    unavailable.get(`${job.side.startsWith("caf") ? "caf" : job.side}:${job.program}`);

  // --- run every distinct job `repeats` times, interleaved so drift hits all sides alike ----
  const jobs = new Map<string, Job>();
  for (const f of figures) {
    for (const s of [f.pgasc, f.peer]) if (s && "job" in s) jobs.set(jobKey(s.job), s.job);
  }
  const outcomes = new Map<string, JobOutcome>();
  const runnable = [...jobs].filter(([, job]) => !availability(job));
  const total = runnable.length * options.repeats;
  let done = 0;
  for (let rep = 0; rep < options.repeats; rep++) {
    for (const [key, job] of runnable) {
      done++;
      const outcome: JobOutcome = outcomes.get(key) ?? { samples: new Map(), command: describe(job) };
      outcomes.set(key, outcome);
      if (outcome.failure || outcome.invalid) continue;
      const { command, args, env } = commandOf(job, paths, binaries);
      const r = await runCommand(command, args, { env, timeoutSeconds: job.timeoutSeconds, cwd: repo });
      const parsed = parseResultLines(r.stdout);
      if (job.side === "pgasc-build" && r.status === 0) parsed.results.push({ name: "build_ms", value: r.seconds * 1000, unit: "ms" });
      process.stdout.write(`[${done}/${total}] ${describe(job)}: ${r.seconds.toFixed(1)} s${r.status === 0 ? "" : ` (status ${r.status}${r.timedOut ? ", timed out" : ""})`}\n`);
      if (parsed.invalid.length) outcome.invalid = `validation failed: ${parsed.invalid.join("; ")}`;
      else if (r.status !== 0) {
        const tail = (r.stderr.trim() || r.stdout.trim()).split("\n").filter((l) => l.trim()).slice(-2).join(" | ");
        outcome.failure = `${r.timedOut ? "timed out" : `exit status ${r.status}`}: ${tail.slice(0, 300)}`;
      }
      for (const m of parsed.results) {
        if (!outcome.samples.has(m.name)) outcome.samples.set(m.name, []);
        outcome.samples.get(m.name)!.push(m.value);
      }
    }
  }

  // --- figures: medians, ratios, goals, chart points -----------------------------------------
  const side = (s: Source | { skip: string } | undefined): SideResult | null => {
    if (!s) return null;
    if ("skip" in s) return { value: null, samples: [], note: s.skip };
    const why = availability(s.job);
    if (why) return { value: null, samples: [], note: why };
    const outcome = outcomes.get(jobKey(s.job))!;
    const raw = outcome.samples.get(s.result) ?? [];
    const samplesConverted = s.bytes ? raw.map((us) => s.bytes! / us) : raw;
    const problem = outcome.invalid ?? outcome.failure;
    if (problem || samplesConverted.length === 0) {
      return { value: null, samples: samplesConverted, note: problem ?? `no RESULT ${s.result}`, command: outcome.command };
    }
    return { value: median(samplesConverted), samples: samplesConverted, command: outcome.command };
  };
  const results: FigureResult[] = [];
  const charts: ChartPoint[] = [];
  for (const f of figures) {
    const pgasc = side(f.pgasc);
    const peer = side(f.peer);
    const r = pgasc?.value != null && peer?.value != null ? speedRatio(pgasc.value, peer.value, f.direction) : NaN;
    const verdict = evaluateGoal(f.goal, pgasc?.value ?? NaN, r);
    const gap = shortfall(f.goal, pgasc?.value ?? NaN, r);
    const short = verdict === "missed" ? gap : NaN;
    results.push({
      id: f.id, label: f.label, group: f.group, unit: f.unit, direction: f.direction, peerName: f.peerName,
      pgasc, peer, ratio: Number.isFinite(r) ? r : null, goal: f.goal?.text ?? null, verdict,
      shortfall: Number.isFinite(short) ? short : null,
      attainment: Number.isFinite(gap) && gap > 0 ? 1 / gap : null,
    });
    chartPoints(f, pgasc, peer, charts);
  }

  // --- other reports of bench/ (owned by others), run as they are ---------------------------
  const extras: Report["extras"] = [];
  if (options.extras && options.only.length === 0) {
    for (const name of ["runtime-micro", "check-speed"]) {
      const file = join(here, `${name}.js`);
      if (!existsSync(file)) continue;
      process.stdout.write(`[extra] ${name}\n`);
      const r = await runCommand(process.execPath, [file], { timeoutSeconds: 300, cwd: repo });
      extras.push({ name, output: (r.stdout + (r.status === 0 ? "" : `\n(exit status ${r.status}) ${r.stderr}`)).trim() });
      // check-speed exits 1 when a front-end regression check is over its bound: the run fails too
      if (r.status !== 0) process.exitCode = 1;
    }
  }

  const report: Report = {
    title: "pgasc benchmark suite",
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    quick: options.quick,
    repeats: options.repeats,
    machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "?", platform: `${process.platform} ${process.arch}` },
    notes,
    figures: results,
    charts,
    extras,
  };
  writeReport(report, options.charts);
  const invalid = [...outcomes.values()].filter((o) => o.invalid);
  if (invalid.length) {
    console.log(`\n${invalid.length} program(s) failed their own validation:\n` + invalid.map((o) => `- ${o.command}: ${o.invalid}`).join("\n"));
    process.exitCode = 1;
  }
}

function writeReport(report: Report, chartsDir?: string): void {
  mkdirSync(paths.results, { recursive: true });
  if (chartsDir) {
    mkdirSync(chartsDir, { recursive: true });
    for (const chart of chartsOf(report)) writeFileSync(join(chartsDir, `${chart.name}.svg`), chart.svg + "\n");
  }
  writeFileSync(join(paths.results, "latest.json"), JSON.stringify(report, null, 2) + "\n");
  writeFileSync(join(paths.results, "latest.html"), renderHtml(report));
  writeFileSync(join(paths.results, "latest.md"), formatMarkdown(report));
  console.log("\n" + formatTable(report));
  for (const e of report.extras) console.log(`\n== ${e.name}\n${e.output}`);
  if (report.notes.length) console.log("\nNotes:\n" + report.notes.map((n) => `- ${n}`).join("\n"));
  console.log("\nGoals:\n" + formatGoalSummary(report));
  console.log(`\nWrote bench/results/latest.{json,html,md} (run took ${report.seconds.toFixed(0)} s).`);
}

function chartPoints(f: Figure, pgasc: SideResult | null, peer: SideResult | null, out: ChartPoint[]): void {
  if (!f.chart) return;
  const { chart, x, pgascSeries, peerSeries } = f.chart;
  if (pgascSeries && pgasc?.value != null) out.push({ chart, series: pgascSeries, x, y: pgasc.value, unit: f.unit });
  if (peerSeries && peer?.value != null) out.push({ chart, series: peerSeries, x, y: peer.value, unit: f.unit });
}

await main();
