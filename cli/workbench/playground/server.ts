// `pgasc playground [--port P]`: a local web server for trying the language in a browser. It serves
// the page (an editor bundled with CodeMirror at build time: page.js, by tools/bundle-playground.mjs)
// with the headers that SharedArrayBuffer needs (cross-origin isolation), the samples, and three
// actions on the editor's text: check (diagnostics), stages (every stage of the build, as
// --dump-passes) and run (the program built and run with N images by this pgasc, its output
// streamed back as it comes). Listens on 127.0.0.1 only: it runs the programs it is sent.

import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSource, checkSource, type Stage } from "../../../compiler/driver/compile.js";
import type { Diagnostic } from "../../../compiler/diagnostics/diagnostic.js";
import { KEYWORDS } from "../../../compiler/syntax/tokens.js";
import { playgroundPage } from "./page-html.js";

const here = dirname(fileURLToPath(import.meta.url));
/** dist/cli/workbench/playground → the package root. */
const packageRoot = join(here, "..", "..", "..", "..");
const cli = join(packageRoot, "dist", "cli", "pgasc.js");
const MAX_BODY = 1 << 20;
const MAX_IMAGES = 64;
const RUN_TIMEOUT_SECONDS = 60;
/** The file name programs get: what their diagnostics and run-time errors say. */
const PROGRAM_FILE = "playground.pgas";

/** Every header of the page's responses: cross-origin isolation (SharedArrayBuffer), no framing. */
const ISOLATION = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Cache-Control": "no-store",
};

export interface Sample {
  name: string;
  text: string;
}

function samples(): Sample[] {
  const out: Sample[] = [];
  for (const dir of ["samples", join("samples", "tutorial")]) {
    let names: string[] = [];
    try {
      names = readdirSync(join(packageRoot, dir)).filter((n) => n.endsWith(".pgas")).sort();
    } catch {
      continue;
    }
    for (const name of names) out.push({ name: join(dir, name).replace(/^samples\//, ""), text: readFileSync(join(packageRoot, dir, name), "utf8") });
  }
  return out;
}

/** A diagnostic for the editor: offsets into the text, and the line as printed by pgasc check. */
function editorDiagnostic(d: Diagnostic) {
  return { from: d.span.start, to: Math.max(d.span.end, d.span.start), severity: d.severity, code: d.code, message: d.message, line: d.span.line, col: d.span.col };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error("the program is larger than 1 MiB");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { ...ISOLATION, "Content-Type": type });
  res.end(body);
}

/** Builds and runs `text` with `images` images, writing its output to `res` as it comes. */
function run(text: string, images: number, res: ServerResponse): void {
  const dir = mkdtempSync(join(tmpdir(), "pgasc-playground-"));
  const file = join(dir, PROGRAM_FILE);
  writeFileSync(file, text);
  res.writeHead(200, { ...ISOLATION, "Content-Type": "text/plain; charset=utf-8" });
  // run in its directory by its bare name: messages say `playground.pgas:3:7`, as the editor does
  const child = spawn(process.execPath, [cli, "run", "-n", String(images), "--timeout", String(RUN_TIMEOUT_SECONDS), "--oversubscribe", PROGRAM_FILE], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk: Buffer) => res.write(chunk));
  child.stderr.on("data", (chunk: Buffer) => res.write(chunk));
  // the page went away: so does the run
  res.on("close", () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  });
  child.on("close", (code, signal) => {
    res.end(`\n[exit status ${code ?? signal}]\n`);
    rmSync(dir, { recursive: true, force: true });
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, bundle: string): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (req.method === "GET" && url.pathname === "/") return send(res, 200, "text/html; charset=utf-8", playgroundPage(KEYWORDS));
  if (req.method === "GET" && url.pathname === "/page.js") return send(res, 200, "text/javascript; charset=utf-8", bundle);
  if (req.method === "GET" && url.pathname === "/samples") return send(res, 200, "application/json", JSON.stringify(samples()));
  if (req.method !== "POST") return send(res, 404, "text/plain", "not found");
  let body: { text?: unknown; images?: unknown };
  try {
    body = JSON.parse(await readBody(req)) as typeof body;
  } catch (error) {
    return send(res, 400, "text/plain", (error as Error).message);
  }
  const text = typeof body.text === "string" ? body.text : "";
  if (url.pathname === "/check") {
    return send(res, 200, "application/json", JSON.stringify({ diagnostics: checkSource(text, PROGRAM_FILE).diagnostics.map(editorDiagnostic) }));
  }
  if (url.pathname === "/stages") {
    const stages: Stage[] = [];
    const result = await buildSource(text, PROGRAM_FILE, (stage) => stages.push(stage));
    return send(res, 200, "application/json", JSON.stringify({ stages, diagnostics: result.diagnostics.map(editorDiagnostic) }));
  }
  if (url.pathname === "/run") {
    const images = Number(body.images);
    if (!(Number.isInteger(images) && images >= 1 && images <= MAX_IMAGES)) return send(res, 400, "text/plain", `images must be 1..${MAX_IMAGES}`);
    return run(text, images, res);
  }
  return send(res, 404, "text/plain", "not found");
}

/** Starts the server; resolves with its address once it listens. */
export function startPlayground(port: number): Promise<{ url: string; close: () => void }> {
  const bundle = readFileSync(join(here, "page.js"), "utf8");
  const server = createServer((req, res) => {
    handle(req, res, bundle).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, "text/plain", `pgasc playground: ${(error as Error).message}`);
      else res.end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const actual = typeof address === "object" && address ? address.port : port;
      resolve({ url: `http://127.0.0.1:${actual}/`, close: () => server.close() });
    });
  });
}
