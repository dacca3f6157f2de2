// The catalogue of the suite: which program runs with which arguments on which side (pgasc,
// OpenCoarrays in shared memory or over TCP, hand-written JS), and which figures compare them,
// with the goals of issue 5. Consumes the suite options; gives jobs and figures (no I/O).

import { directionOfUnit, type Direction, type Goal } from "./results.js";

export type Side = "pgasc" | "pgasc-build" | "pgasc-module" | "caf-shm" | "caf-tcp" | "js" | "c";

export interface Job {
  side: Side;
  /** pgasc: bench/kernels/NAME.pgas; caf-*: bench/peers/NAME.f90; js: dist/bench/baselines/NAME.js;
   *  c: bench/baselines/NAME.c (built with cc -O3); pgasc-build: the path of the .pgas file to build;
   *  pgasc-module: bench/fixtures/NAME.mjs, a compiled program written by hand (bench/run-module.ts). */
  program: string;
  images: number;
  /** pgasc only: the number of node processes (--nodes). */
  nodes?: number;
  /** pgasc only: run observed (`--profile`, or `--trace` to a file under bench/results). */
  observe?: "profile" | "trace";
  args: string[];
  timeoutSeconds: number;
}

export interface Source {
  job: Job;
  result: string;
  /** Convert a time in µs per transfer of this many bytes into MB/s. */
  bytes?: number;
}

export interface ChartTag {
  chart: string;
  x: number;
  pgascSeries?: string;
  peerSeries?: string;
}

export interface Figure {
  id: string;
  label: string;
  group: string;
  unit: string;
  direction: Direction;
  /** A source, or the reason pgasc's side cannot run yet. */
  pgasc?: Source | { skip: string };
  peer?: Source;
  peerName: string;
  goal?: Goal;
  chart?: ChartTag;
}

export interface SuiteOptions {
  quick: boolean;
  /** null when `pgasc run --nodes K` works; otherwise why the cross-node figures are skipped. */
  crossNodeUnavailable: string | null;
  samples: string[];
}

export function jobKey(job: Job): string {
  const nodes = job.nodes && job.nodes > 1 ? `@${job.nodes}nodes` : "";
  const observe = job.observe ? `+${job.observe}` : "";
  return `${job.side}:${job.program}:n${job.images}${nodes}${observe}:${job.args.join(" ")}`;
}

/** Bulk transfer sizes in bytes, as the micro programs step through them (8 B .. 8 MiB). */
export const BULK_SIZES = [8, 64, 512, 4096, 32768, 262144, 2097152, 8388608];

interface Counts {
  latency: number;
  sync: number;
  cosum: number;
  fineputTotal: number;
  bandwidth: number;
  gupsTotal: number;
}

/** Operation counts: the same for pgasc and its peer at a given image count and transport. */
function countsFor(images: number, transport: "shm" | "tcp", quick: boolean): Counts {
  const scale = quick ? 0.25 : 1;
  const c: Counts =
    transport === "tcp"
      ? { latency: 5000, sync: 2000, cosum: 500, fineputTotal: 20000, bandwidth: 100, gupsTotal: 20000 }
      : images <= 4
        ? { latency: 100000, sync: 50000, cosum: 20000, fineputTotal: 400000, bandwidth: 500, gupsTotal: 400000 }
        : { latency: 20000, sync: 2000, cosum: 1000, fineputTotal: 200000, bandwidth: 100, gupsTotal: 40000 };
  const out = { ...c };
  for (const k of Object.keys(out) as (keyof Counts)[]) out[k] = Math.max(1, Math.round(out[k] * scale));
  return out;
}

function kernelArgs(kernel: string, images: number, transport: "shm" | "tcp", quick: boolean): string[] {
  const iterations = (n: number) => String(quick ? Math.max(2, n >> 1) : n);
  switch (kernel) {
    case "nstream":
      return [String(quick ? 2_000_000 : 4_000_000), iterations(20)];
    case "transpose":
      return [String(quick ? 512 : 1024), iterations(10)];
    case "stencil":
      return [String(quick ? 512 : 1024), iterations(10)];
    case "p2p":
      return quick ? ["500", "500", "2"] : ["1000", "1000", "3"];
    case "gups":
      return ["20", String(Math.round(countsFor(images, transport, quick).gupsTotal / images))];
    default:
      throw new Error(`unknown kernel ${kernel}`);
  }
}

export const KERNELS: { name: string; result: string; unit: string; title: string }[] = [
  { name: "nstream", result: "nstream_rate", unit: "MB/s", title: "nstream triad" },
  { name: "transpose", result: "transpose_rate", unit: "MB/s", title: "transpose" },
  { name: "stencil", result: "stencil_rate", unit: "MFlop/s", title: "star stencil r=2" },
  { name: "p2p", result: "p2p_rate", unit: "MFlop/s", title: "synch_p2p wavefront" },
  { name: "gups", result: "gups_rate", unit: "Mup/s", title: "random access (atomics)" },
];

/** The local-loop programs: bench/kernels/loops/NAME.pgas, bench/baselines/loops/NAME.ts, loops.c. */
export const LOOP_KERNELS: { name: string; result: string; unit: string; title: string }[] = [
  { name: "nstream", result: "loops_nstream_rate", unit: "MB/s", title: "triad" },
  { name: "transpose", result: "loops_transpose_rate", unit: "MB/s", title: "transpose" },
  { name: "stencil", result: "loops_stencil_rate", unit: "MFlop/s", title: "star stencil r=2" },
];

function loopArgs(kernel: string, quick: boolean): string[] {
  // The issue's own triad: 2 M elements, 200 sweeps (V8's warm-up, ~25 ms, is then a few per cent).
  if (kernel === "nstream") return ["2000000", quick ? "50" : "200"];
  return [quick ? "512" : "1024", quick ? "5" : "10"];
}

const TIMEOUT = 180;

export function buildCatalogue(options: SuiteOptions): Figure[] {
  const { quick } = options;
  const figures: Figure[] = [];
  const oneNodeImages = quick ? [2, 16] : [2, 4, 16];
  const crossNodes = quick ? [2] : [2, 4];

  const pgasc = (program: string, images: number, args: string[], nodes?: number): Job => ({
    side: "pgasc", program, images, nodes, args, timeoutSeconds: TIMEOUT,
  });
  const caf = (transport: "shm" | "tcp", program: string, images: number, args: string[]): Job => ({
    side: transport === "shm" ? "caf-shm" : "caf-tcp", program, images, args, timeoutSeconds: TIMEOUT,
  });
  const js = (program: string, args: string[]): Job => ({ side: "js", program, images: 1, args, timeoutSeconds: TIMEOUT });
  // The transports' floors: one job each, so the goal rows and the floor rows share one run.
  const tcpPingPong = js("tcp", ["pingpong", quick ? "2000" : "10000"]);
  const tcpStream = js("tcp", ["stream", quick ? "128" : "512"]);
  const grpcPingPong = js("grpc", [quick ? "1000" : "5000"]);
  const grpcStream = js("grpc", ["stream", quick ? "128" : "512"]);
  const crossSide = (job: Job): Source["job"] | { skip: string } =>
    options.crossNodeUnavailable ? { skip: options.crossNodeUnavailable } : job;
  const src = (job: Job | { skip: string }, result: string, bytes?: number): Source | { skip: string } =>
    "skip" in job ? job : { job, result, bytes };
  const add = (f: Omit<Figure, "direction"> & { direction?: Direction }) =>
    figures.push({ direction: directionOfUnit(f.unit), ...f });

  // --- one node: micro benchmarks against OpenCoarrays in shared memory ---------------------
  for (const n of oneNodeImages) {
    const c = countsFor(n, "shm", quick);
    const micro = (side: "pgasc" | "shm", test: string, count: number, size = 8) =>
      side === "pgasc" ? pgasc("micro", n, [test, String(count), String(size)]) : caf("shm", "micro", n, [test, String(count)]);
    const pair = (id: string, label: string, test: string, count: number, unit: string, goal?: Goal, size?: number, chart?: ChartTag) =>
      add({
        id: `${id}/${n}`, label: `${label}, ${n} images`, group: "one node: micro", unit,
        pgasc: { job: micro("pgasc", test, count, size), result: id },
        peer: { job: micro("shm", test, count), result: id }, peerName: "OpenCoarrays shm", goal, chart,
      });
    pair("get_latency", "scalar get", "latency", c.latency, "us", { kind: "ratio", min: 2, text: "≥2× faster" });
    pair("put_latency", "scalar put", "latency", c.latency, "us");
    pair("sync_all", "sync all (after as many untimed)", "sync", c.sync, "us", undefined, undefined,
      { chart: "barrier", x: n, pgascSeries: "pgasc, one node", peerSeries: "OpenCoarrays shm" });
    // what a program of 20,000 barriers pays, warm-up included (issue 11)
    const coldGoal: Goal | undefined = n === 2 || n === 16 ? { kind: "ratio", min: 1, text: "no slower" } : undefined;
    pair("sync_all_cold", "sync all, the first 20,000 of a run", "synccold", quick ? 5000 : 20000, "us", coldGoal);
    pair("co_sum_scalar", "co_sum of a scalar", "cosum", c.cosum, "us");
    pair("co_sum_1m", "co_sum of 1 M floats", "cosum", c.cosum, "ms");
    pair("fine_put_rate", "fine-grained 8-byte puts (all images)", "fineput", Math.round(c.fineputTotal / n), "puts/s",
      { kind: "ratio", min: 5, text: "≥5× rate" }, 1 << 20);
  }

  // --- one node: bulk transfers, 2 images ---------------------------------------------------
  {
    const c = countsFor(2, "shm", quick);
    for (const dir of ["get", "put"]) {
      for (const bytes of BULK_SIZES) {
        const id = `bulk_${dir}_${bytes}`;
        add({
          id: `${id}/2`, label: `bulk ${dir} ${sizeText(bytes)}, 2 images`, group: "one node: bulk transfers", unit: "us",
          pgasc: { job: pgasc("micro", 2, ["bandwidth", String(c.bandwidth), String(1 << 20)]), result: id },
          peer: { job: caf("shm", "micro", 2, ["bandwidth", String(c.bandwidth)]), result: id },
          peerName: "OpenCoarrays shm",
          chart: dir === "get" ? { chart: "latency-by-size", x: bytes, pgascSeries: "pgasc get, one node", peerSeries: "OpenCoarrays get, shm" } : undefined,
        });
      }
    }
  }

  // --- local loops: each image its own part, against the fastest natural JavaScript (small
  // functions over module-level Float64Arrays: docs/performance.md) and C -O3 ------------------
  const withinTenPercent: Goal = { kind: "ratio", min: 1 / 1.1, text: "time ≤ 1.1× JS" };
  for (const k of LOOP_KERNELS) {
    const args = loopArgs(k.name, quick);
    for (const images of [1, 16]) {
      for (const form of ["top", "fn"] as const) {
        add({
          id: `loops_${k.name}_${form}/${images}`,
          label: `${k.title}, loop ${form === "top" ? "at the top level" : "in a function"}, ${images} image${images === 1 ? "" : "s"}`,
          group: "local loops", unit: k.unit,
          pgasc: { job: pgasc(`loops/${k.name}`, images, [...args, form]), result: k.result },
          peer: { job: js(`loops/${k.name}`, [...args, String(images)]), result: k.result },
          peerName: images === 1 ? "hand-written JS" : `${images} JS worker threads`,
          goal: withinTenPercent,
          chart: { chart: `loops:${k.name}`, x: images, pgascSeries: `pgasc, loop ${form === "top" ? "at the top level" : "in a function"}`, peerSeries: "hand-written JS" },
        });
      }
    }
    add({
      id: `loops_${k.name}_c/1`, label: `${k.title}, loop in a function, 1 image, against C`, group: "local loops", unit: k.unit,
      pgasc: { job: pgasc(`loops/${k.name}`, 1, [...args, "fn"]), result: k.result },
      peer: { job: { side: "c", program: "loops", images: 1, args: [k.name, ...args], timeoutSeconds: TIMEOUT }, result: k.result },
      peerName: "C (cc -O3)",
      goal: k.name === "nstream" ? { kind: "ratio", min: 0.5, text: "time ≤ 2× C" } : undefined,
      chart: { chart: `loops:${k.name}`, x: 1, peerSeries: "C (cc -O3)" },
    });
  }

  // --- kernels on one node --------------------------------------------------------------------
  for (const k of KERNELS) {
    for (const n of oneNodeImages) {
      const args = kernelArgs(k.name, n, "shm", quick);
      add({
        id: `${k.result}/${n}`, label: `${k.title}, ${n} images`, group: "one node: kernels", unit: k.unit,
        pgasc: { job: pgasc(k.name, n, args), result: k.result },
        peer: { job: caf("shm", k.name, n, args), result: k.result }, peerName: "OpenCoarrays shm",
        chart: { chart: `kernel:${k.name}`, x: n, pgascSeries: "pgasc, one node", peerSeries: "OpenCoarrays shm" },
      });
    }
  }

  // --- across nodes: pgasc --nodes K (gRPC) against OpenCoarrays over TCP and raw Node ------
  for (const n of crossNodes) {
    const c = countsFor(n, "tcp", quick);
    const micro = (test: string, count: number, size = 8) => crossSide(pgasc("micro", n, [test, String(count), String(size)], n));
    const cafMicro = (test: string, count: number) => caf("tcp", "micro", n, [test, String(count)]);
    const cross = (id: string, label: string, test: string, count: number, unit: string, goal?: Goal, size?: number, chart?: ChartTag) =>
      add({
        id: `x_${id}/${n}`, label: `${label}, ${n} nodes`, group: "across nodes", unit,
        pgasc: src(micro(test, count, size), id), peer: { job: cafMicro(test, count), result: id },
        peerName: "OpenCoarrays tcp", goal, chart,
      });
    cross("get_latency", "scalar get", "latency", c.latency, "us");
    cross("put_latency", "scalar put", "latency", c.latency, "us");
    cross("sync_all", "sync all", "sync", c.sync, "us", undefined, undefined,
      { chart: "barrier", x: n, pgascSeries: "pgasc, one image per node", peerSeries: "OpenCoarrays tcp" });
    cross("co_sum_scalar", "co_sum of a scalar", "cosum", c.cosum, "us");
    cross("fine_put_rate", "fine-grained 8-byte puts (all images)", "fineput", Math.round(c.fineputTotal / n), "puts/s",
      { kind: "ratio", min: 20, text: "≥20× rate" }, 1 << 20);
    if (n === 2) {
      // The wire's own floors, measured in the same run (issue 13's goals).
      const tcpRtt = { job: tcpPingPong, result: "tcp_rtt_8" };
      const tcpBandwidth = { job: tcpStream, result: "tcp_stream_bw" };
      const wire = (id: string, label: string, pgascSide: Source | { skip: string }, peer: Source, peerName: string, unit: string, goal?: Goal) =>
        add({ id: `x_${id}/2`, label, group: "across nodes: against the wire", unit, pgasc: pgascSide, peer, peerName, goal });
      const getLatency = src(micro("latency", c.latency), "get_latency");
      wire("get_latency_vs_grpc", "scalar get vs raw grpc-js bidi ping-pong, 2 nodes", getLatency,
        { job: grpcPingPong, result: "grpc_bidi_rtt" }, "raw grpc-js", "us", { kind: "ratio", min: 1 / 1.5, text: "≤ 1.5× grpc-js" });
      wire("get_latency_vs_tcp", "scalar get vs raw TCP ping-pong, 2 nodes", getLatency, tcpRtt, "raw Node TCP", "us",
        { kind: "ratio", min: 0.4, text: "≤ 2.5× TCP round trip" });
      wire("sync_cold_vs_tcp", "sync all, first 2,000, 2 nodes × 1 image vs raw TCP round trip", src(micro("synccold", 2000), "sync_all_cold"),
        tcpRtt, "raw Node TCP", "us", { kind: "ratio", min: 0.5, text: "≤ 2 round trips" });
      wire("sync_cold_4x4_vs_tcp", "sync all, first 2,000, 4 nodes × 4 images vs raw TCP round trip",
        src(crossSide(pgasc("micro", 16, ["synccold", "2000", "8"], 4)), "sync_all_cold"),
        tcpRtt, "raw Node TCP", "us", { kind: "ratio", min: 0.25, text: "≤ 4 round trips (2·log2 4)" });
      const bytes = 8388608;
      wire("bulk_bw_vs_tcp", "bulk get 8 MiB vs raw TCP streaming, 2 nodes", src(micro("bandwidth", c.bandwidth, 1 << 20), `bulk_get_${bytes}`, bytes),
        tcpBandwidth, "raw Node TCP", "MB/s", { kind: "ratio", min: 0.7, text: "≥ 0.7× TCP" });
      wire("bulk_put_bw_vs_tcp", "bulk put 8 MiB vs raw TCP streaming, 2 nodes", src(micro("bandwidth", c.bandwidth, 1 << 20), `bulk_put_${bytes}`, bytes),
        tcpBandwidth, "raw Node TCP", "MB/s", { kind: "ratio", min: 0.7, text: "≥ 0.7× TCP" });
      // grpc-js's own floor, in the direction each transfer's bytes travel: node 1 dialed node 0, so
      // a get's reply goes client to server ("up") and a put server to client ("down")
      wire("bulk_bw_vs_grpc", "bulk get 8 MiB vs raw grpc-js streaming (client to server), 2 nodes",
        src(micro("bandwidth", c.bandwidth, 1 << 20), `bulk_get_${bytes}`, bytes), { job: grpcStream, result: "grpc_stream_up_bw" }, "raw grpc-js", "MB/s");
      wire("bulk_put_bw_vs_grpc", "bulk put 8 MiB vs raw grpc-js streaming (server to client), 2 nodes",
        src(micro("bandwidth", c.bandwidth, 1 << 20), `bulk_put_${bytes}`, bytes), { job: grpcStream, result: "grpc_stream_down_bw" }, "raw grpc-js", "MB/s");
      for (const bytesN of BULK_SIZES) {
        add({
          id: `x_bulk_get_${bytesN}/2`, label: `bulk get ${sizeText(bytesN)}, 2 nodes`, group: "across nodes: bulk transfers", unit: "us",
          pgasc: src(micro("bandwidth", c.bandwidth, 1 << 20), `bulk_get_${bytesN}`),
          peer: { job: cafMicro("bandwidth", c.bandwidth), result: `bulk_get_${bytesN}` }, peerName: "OpenCoarrays tcp",
          chart: { chart: "latency-by-size", x: bytesN, pgascSeries: "pgasc get, 2 nodes", peerSeries: "OpenCoarrays get, tcp" },
        });
      }
    }
    for (const k of KERNELS) {
      const args = kernelArgs(k.name, n, "tcp", quick);
      add({
        id: `x_${k.result}/${n}`, label: `${k.title}, ${n} nodes`, group: "across nodes: kernels", unit: k.unit,
        pgasc: src(crossSide(pgasc(k.name, n, args, n)), k.result),
        peer: { job: caf("tcp", k.name, n, args), result: k.result }, peerName: "OpenCoarrays tcp",
      });
    }
  }

  // --- notified puts (LANGUAGE.md §7.2): a producer/consumer pipeline, each message a notified
  // put, against the same pipeline with a put, `sync memory` and `event post` ----------------------
  for (const nodes of [1, 2]) {
    // one node: ~3 µs a message, so ten times as many to get past the JIT's warm-up
    const count = String((nodes === 1 ? 10 : 1) * (quick ? 500 : 2000));
    const job = (mode: string) => pgasc("notify", 2, [mode, count, "16"], nodes);
    const where = nodes === 1 ? "one node" : "2 nodes";
    add({
      id: `notify_pipeline/${nodes}`, label: `pipeline of 16-float messages, notified puts vs put + sync memory + event post, ${where}`,
      group: "notified puts", unit: "msgs/s",
      pgasc: src(nodes === 1 ? job("notify") : crossSide(job("notify")), "pipeline_rate"),
      peer: { job: job("post"), result: "pipeline_rate" }, peerName: "put + sync memory + event post",
      goal: { kind: "ratio", min: 1, text: "faster" },
    });
  }

  // --- teams (LANGUAGE.md §7.1): sync all inside a team of half the images against sync all of
  // all of them (the hierarchical barrier): a team's barrier is a dissemination barrier ------------
  for (const [images, nodes] of [
    [16, 1],
    [8, 2],
  ] as const) {
    const count = String(nodes === 1 ? (quick ? 500 : 2000) : quick ? 100 : 300);
    const job = (mode: string) => pgasc("teams", images, [mode, count], nodes);
    const where = nodes === 1 ? "one node" : "2 nodes";
    add({
      id: `team_sync_all/${images}x${nodes}`, label: `sync all in a team of ${images / 2} vs sync all of all ${images} images, ${where}`,
      group: "teams", unit: "us",
      pgasc: src(nodes === 1 ? job("team") : crossSide(job("team")), "sync_all_us"),
      peer: { job: job("all"), result: "sync_all_us" }, peerName: `sync all of ${images} images`,
    });
  }

  // --- the cost of observing a run (issue 14): fine-grained puts, the operation that costs
  // least each, with --trace and --profile against the same run unobserved ----------------------
  for (const nodes of [1, 2]) {
    const c = countsFor(2, nodes === 1 ? "shm" : "tcp", quick);
    const args = ["fineput", String(Math.round(c.fineputTotal / 2)), String(1 << 20)];
    const plain = pgasc("micro", 2, args, nodes);
    const where = nodes === 1 ? "one node" : "2 nodes";
    const observed = (how: "trace" | "profile"): Source | { skip: string } => {
      const job = { ...plain, observe: how };
      return src(nodes === 1 ? job : crossSide(job), "fine_put_rate");
    };
    const unobserved = { job: plain, result: "fine_put_rate" };
    if (nodes === 1 || !options.crossNodeUnavailable) {
      add({
        id: `observe_trace_fineput/${nodes}`, label: `fine-grained puts with --trace vs without, 2 images, ${where}`, group: "observing a run", unit: "puts/s",
        pgasc: observed("trace"), peer: unobserved, peerName: "pgasc unobserved", goal: { kind: "ratio", min: 0.7, text: "loses ≤ 30%" },
      });
      add({
        id: `observe_profile_fineput/${nodes}`, label: `fine-grained puts with --profile vs without, 2 images, ${where}`, group: "observing a run", unit: "puts/s",
        pgasc: observed("profile"), peer: unobserved, peerName: "pgasc unobserved", goal: { kind: "ratio", min: 0.7, text: "loses ≤ 30%" },
      });
    }
  }

  // --- checkpoint: 1 GiB of coarray data over 4 images on one node, against one process writing
  // the same bytes with fs.writeFileSync (as it is, and made durable with fsync as a checkpoint
  // is); the pgasc side is a hand-written module until the compiler emits `checkpoint` ---------
  {
    const mib = String(quick ? 256 : 1024);
    const size = quick ? "256 MiB" : "1 GiB";
    const checkpoint: Source = {
      job: { side: "pgasc-module", program: "checkpoint-write", images: 4, args: [mib], timeoutSeconds: TIMEOUT },
      result: "checkpoint_s",
    };
    add({
      id: "checkpoint_write/4", label: `checkpoint of ${size} of coarrays, 4 images, vs fs.writeFileSync in one process`, group: "checkpoint", unit: "s",
      pgasc: checkpoint, peer: { job: js("checkpoint-write", [mib, "plain"]), result: "write_file_s" }, peerName: "fs.writeFileSync",
      goal: { kind: "ratio", min: 1 / 1.2, text: "time ≤ 1.2× writeFileSync" },
    });
    add({
      id: "checkpoint_write_fsync/4", label: `checkpoint of ${size} of coarrays, 4 images, vs fs.writeFileSync + fsync in one process`, group: "checkpoint", unit: "s",
      pgasc: checkpoint, peer: { job: js("checkpoint-write", [mib, "fsync"]), result: "write_file_fsync_s" }, peerName: "fs.writeFileSync + fsync",
    });
  }

  // --- transport floors: raw Node TCP and grpc-js (reference rows, no pgasc side) -----------
  for (const bytes of BULK_SIZES) {
    add({
      id: `tcp_rtt_${bytes}`, label: `raw TCP ping-pong ${sizeText(bytes)}`, group: "transport floors", unit: "us",
      peer: { job: tcpPingPong, result: `tcp_rtt_${bytes}` }, peerName: "raw Node TCP",
      chart: { chart: "latency-by-size", x: bytes, peerSeries: "raw Node TCP ping-pong" },
    });
  }
  add({
    id: "tcp_stream_bw", label: "raw TCP streaming", group: "transport floors", unit: "MB/s",
    peer: { job: tcpStream, result: "tcp_stream_bw" }, peerName: "raw Node TCP",
  });
  for (const [result, label] of [["grpc_stream_up_bw", "grpc-js streaming, client to server"], ["grpc_stream_down_bw", "grpc-js streaming, server to client"]]) {
    add({
      id: result!, label: label!, group: "transport floors", unit: "MB/s",
      peer: { job: grpcStream, result: result! }, peerName: "grpc-js",
    });
  }
  for (const [result, label] of [["grpc_bidi_rtt", "grpc-js bidi-stream ping-pong 8 B"], ["grpc_unary_rtt", "grpc-js unary call 8 B"]]) {
    add({
      id: result!, label: label!, group: "transport floors", unit: "us",
      peer: { job: grpcPingPong, result: result! }, peerName: "grpc-js",
    });
  }

  // --- build time of every sample ---------------------------------------------------------------
  for (const sample of options.samples) {
    const name = sample.replace(/^.*\//, "").replace(/\.pgas$/, "");
    add({
      id: `build/${name}`, label: `pgasc build ${name}.pgas`, group: "build", unit: "ms", direction: "lower",
      pgasc: { job: { side: "pgasc-build", program: sample, images: 1, args: [], timeoutSeconds: 60 }, result: "build_ms" },
      peerName: "-", goal: { kind: "max-value", max: 1000, text: "< 1 s" },
    });
  }
  return figures;
}

export function sizeText(bytes: number): string {
  if (bytes >= 1 << 20) return `${bytes / (1 << 20)} MiB`;
  if (bytes >= 1024) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}
