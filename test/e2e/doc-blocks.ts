// Reads the fenced code blocks of a Markdown file and what their info strings promise, for the
// docs-examples test: ```pgas run=1,4 order=any ...``` programs with the ```output / ```stderr
// blocks after them, ```pgas check / error / illustration / pending, ```pgas file=PATH

import { readFileSync } from "node:fs";

export interface FencedBlock {
  /** The word after the fence: "pgas", "output", "stderr", "" ... */
  lang: string;
  /** `key=value` words of the info string; a bare word maps to "". */
  attrs: Map<string, string>;
  body: string;
  /** 1-based line of the opening fence. */
  line: number;
}

/** What the Markdown source says about one ```pgas block. */
export interface PgasExample {
  line: number;
  source: string;
  mode: "run" | "check" | "error" | "illustration" | "file";
  /** Version 2: written, not run yet. */
  pending: boolean;
  images: number[];
  orderAny: boolean;
  exit: number;
  args: string[];
  nodes: number[];
  /** `file=`: the sample the block must show. */
  path?: string;
  output?: string;
  /** `output n=4`: the output shown is that of a run on 4 images. */
  outputImages?: number;
  stderr?: string;
}

const FENCE = /^```(\S*)[ \t]*(.*)$/;

export function readFencedBlocks(markdown: string): FencedBlock[] {
  const lines = markdown.split("\n");
  const blocks: FencedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    if (i >= lines.length) throw new Error(`line ${start + 1}: code block never closed`);
    const attrs = new Map<string, string>();
    for (const word of open[2]!.split(/\s+/).filter((w) => w !== "")) {
      const eq = word.indexOf("=");
      attrs.set(eq < 0 ? word : word.slice(0, eq), eq < 0 ? "" : word.slice(eq + 1));
    }
    blocks.push({ lang: open[1]!, attrs, body: body.length > 0 ? body.join("\n") + "\n" : "", line: start + 1 });
  }
  return blocks;
}

const MODES = ["run", "check", "error", "illustration", "file"] as const;
const KNOWN = new Set<string>([...MODES, "pending", "order", "exit", "args", "nodes"]);

function numbers(text: string, where: string): number[] {
  const list = text.split(",").map((s) => Number.parseInt(s, 10));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`${where}: bad number list '${text}'`);
  return list;
}

/**
 * Every ```pgas block of a Markdown file with its promises. An ```output or ```stderr block
 * belongs to the ```pgas block before it; a malformed or unmarked block is an error, so nothing
 * in the docs is left unchecked by accident.
 */
export function readPgasExamples(file: string): PgasExample[] {
  const examples: PgasExample[] = [];
  let owner: PgasExample | undefined;
  for (const block of readFencedBlocks(readFileSync(file, "utf8"))) {
    const where = `${file}:${block.line}`;
    if (block.lang === "output" || block.lang === "stderr") {
      const key = block.lang;
      if (owner === undefined || owner[key] !== undefined) throw new Error(`${where}: a \`${key}\` block with no program before it`);
      owner[key] = block.body;
      if (key === "output" && block.attrs.has("n")) owner.outputImages = numbers(block.attrs.get("n")!, where)[0];
      continue;
    }
    owner = undefined;
    if (block.lang !== "pgas") continue;
    const unknown = [...block.attrs.keys()].filter((k) => !KNOWN.has(k));
    if (unknown.length > 0) throw new Error(`${where}: unknown marks ${unknown.join(", ")}`);
    const modes = MODES.filter((m) => block.attrs.has(m));
    if (modes.length !== 1) throw new Error(`${where}: a pgas block needs exactly one of ${MODES.join(", ")} (has ${modes.length})`);
    const mode = modes[0]!;
    const example: PgasExample = {
      line: block.line,
      source: block.body,
      mode,
      pending: block.attrs.has("pending"),
      images: mode === "run" ? numbers(block.attrs.get("run")!, where) : [],
      orderAny: block.attrs.get("order") === "any",
      exit: block.attrs.has("exit") ? numbers(block.attrs.get("exit")!, where)[0]! : 0,
      args: block.attrs.has("args") ? block.attrs.get("args")!.split(",") : [],
      nodes: block.attrs.has("nodes") ? numbers(block.attrs.get("nodes")!, where) : [],
      path: mode === "file" ? block.attrs.get(mode) : undefined,
    };
    examples.push(example);
    owner = example;
  }
  for (const e of examples) {
    const where = `${file}:${e.line}`;
    if (e.mode === "run" && e.output === undefined) throw new Error(`${where}: a run example needs an \`output\` block after it`);
    if (e.mode === "error" && e.stderr === undefined) throw new Error(`${where}: an error example needs a \`stderr\` block after it`);
  }
  return examples;
}

/** A sample's text as the tutorial shows it: without its leading comment header and blank lines. */
export function withoutHeader(text: string): string {
  const lines = text.split("\n");
  let i = 0;
  while (i < lines.length && (lines[i]!.trim() === "" || lines[i]!.trim().startsWith("//"))) i++;
  return lines.slice(i).join("\n");
}
