// `pgasc lsp` spoken to as an editor does: a real process of dist/cli/pgasc.js, JSON-RPC over its
// stdin/stdout (vscode-languageserver's message connection on the client side). Diagnostics appear
// for an error and go when it is fixed; hover gives types, remote accesses with their size and
// direction, a shared element's owner formula; definition, document symbols and completion.

import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  StreamMessageReader,
  StreamMessageWriter,
  createMessageConnection,
  type MessageConnection,
  type PublishDiagnosticsParams,
} from "vscode-languageserver/node";

const root = join(import.meta.dirname, "..", "..");
const cli = join(root, "dist", "cli", "pgasc.js");
const uri = pathToFileURL("/tmp/lsp-test/heat.pgas").href;

const BROKEN = `const n = 8
var x: float(n)[*]
var y = x(0)[1] + true
`;
const FIXED = `const n = 8
var x: float(n)[*]
shared s: int(4 * n) cyclic(2)
fn twice(v: float) -> float {
  return 2.0 * v
}
const p = (this_image() + 1) % num_images()
var y = x(0)[p] + twice(1.0)
x(1)[p] = y
s(5) = 3
sync all
`;

/** Line/character of the first occurrence of `needle` in FIXED, plus `delta` characters. */
function at(needle: string, delta = 0): { line: number; character: number } {
  const offset = FIXED.indexOf(needle) + delta;
  const before = FIXED.slice(0, offset).split("\n");
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

describe("pgasc lsp", () => {
  let child: ChildProcessWithoutNullStreams;
  let connection: MessageConnection;
  const published: PublishDiagnosticsParams[] = [];
  let stderr = "";

  beforeAll(async () => {
    child = spawn(process.execPath, [cli, "lsp"], { cwd: root });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    connection.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => void published.push(p));
    connection.listen();
  });

  afterAll(() => {
    connection?.dispose();
    child?.kill();
  });

  /** The next diagnostics published for the document's version `version`. */
  async function diagnosticsFor(version: number): Promise<PublishDiagnosticsParams> {
    for (let i = 0; i < 600; i++) {
      const found = published.find((p) => p.uri === uri && p.version === version);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no diagnostics for version ${version}; stderr: ${stderr}`);
  }

  it("speaks the protocol: diagnostics, hover, definition, symbols, completion, shutdown", { timeout: 120_000 }, async () => {
    const init = (await connection.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: {} })) as {
      capabilities: Record<string, unknown>;
    };
    expect(init.capabilities).toMatchObject({ hoverProvider: true, definitionProvider: true, documentSymbolProvider: true });
    expect(init.capabilities.completionProvider).toBeDefined();
    await connection.sendNotification("initialized", {});

    // an error as you type it
    await connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "pgas", version: 1, text: BROKEN } });
    const broken = await diagnosticsFor(1);
    expect(broken.diagnostics).toHaveLength(1);
    expect(broken.diagnostics[0]).toMatchObject({ severity: 1, source: "pgasc", range: { start: { line: 2 } } });
    expect(String(broken.diagnostics[0]!.code)).toMatch(/^E\d{4}$/);

    // fixed (the whole text replaced): no diagnostics
    await connection.sendNotification("textDocument/didChange", { textDocument: { uri, version: 2 }, contentChanges: [{ text: FIXED }] });
    expect((await diagnosticsFor(2)).diagnostics).toEqual([]);

    const hover = async (needle: string, delta = 0) => {
      const h = (await connection.sendRequest("textDocument/hover", { textDocument: { uri }, position: at(needle, delta) })) as {
        contents: { kind: string; value: string };
      } | null;
      return h?.contents.value ?? "";
    };
    expect(await hover("x(0)[p]")).toContain("remote get from image p, 8 bytes");
    expect(await hover("x(1)[p] = y")).toContain("remote put to image p, 8 bytes");
    expect(await hover("s(5)")).toMatch(/element of shared `s` \(cyclic\(2\)\): it lives on image `\(k \/ B\) mod num_images\(\)`, k = 5, B = 2/);
    expect(await hover("twice(1.0)")).toContain("fn twice: fn(float) -> float");
    expect(await hover("num_images()")).toContain("num_images");
    expect(await hover("shared s", 7)).toContain("shared s: int(:)");

    // go to definition: `twice` in the call → its declaring identifier on line 4
    const def = (await connection.sendRequest("textDocument/definition", { textDocument: { uri }, position: at("twice(1.0)") })) as {
      uri: string;
      range: { start: { line: number; character: number } };
    };
    expect(def).toMatchObject({ uri, range: { start: { line: 3, character: 3 } } });

    const symbols = (await connection.sendRequest("textDocument/documentSymbol", { textDocument: { uri } })) as { name: string; children?: { name: string }[] }[];
    expect(symbols.map((s) => s.name)).toEqual(["n", "x", "s", "twice", "p", "y"]);
    expect(symbols.find((s) => s.name === "twice")!.children!.map((c) => c.name)).toEqual(["v"]);

    const items = (await connection.sendRequest("textDocument/completion", { textDocument: { uri }, position: { line: 11, character: 0 } })) as { label: string; detail?: string }[];
    const labels = items.map((i) => i.label);
    for (const expected of ["sync", "forall", "co_sum", "this_image", "twice", "x"]) expect(labels).toContain(expected);
    expect(items.find((i) => i.label === "co_sum")!.detail).toMatch(/^co_sum\(/);

    await connection.sendRequest("shutdown");
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await connection.sendNotification("exit");
    expect(await exited).toBe(0);
    expect(stderr).toBe("");
  });
});
