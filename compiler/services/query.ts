// The language service: questions an editor asks about a checked program, answered from the tree
// and the checker's annotations (as TypeScript's services layer sits on its checker). Consumes a
// Program from compiler/driver checkSource (possibly with errors) and its text; gives hover text,
// the declaration a name refers to, the outline of declarations, and completion candidates.
// Positions are 0-based offsets into the text; the language server converts them.

import type * as A from "../ast/nodes.js";
import { typeToString, type Type } from "../ast/types.js";
import { forEachChild, type Node } from "../ast/visit.js";
import type { Span } from "../diagnostics/span.js";
import { INTRINSICS, lookupIntrinsic } from "../intrinsics/catalogue.js";
import { KEYWORDS } from "../syntax/tokens.js";

/** The nodes whose span holds `offset`, outermost first (the program, ..., the innermost). */
export function nodePath(program: A.Program, offset: number): Node[] {
  const path: Node[] = [program];
  let node: Node = program;
  for (;;) {
    const inner: Node | undefined = forEachChild(node, (child) => (contains(child.span, offset) ? child : undefined));
    if (inner === undefined) return path;
    path.push(inner);
    node = inner;
  }
}

function contains(span: Span, offset: number): boolean {
  return offset >= span.start && offset < Math.max(span.end, span.start + 1);
}

export interface Hover {
  /** Markdown. */
  text: string;
  span: Span;
}

/** What to show for the position: the name's declaration and type, a remote access, a shared element's owner. */
export function hoverAt(program: A.Program, text: string, offset: number): Hover | null {
  const path = nodePath(program, offset);
  const symbols = program.symbols ?? [];
  const source = (node: { span: Span }) => text.slice(node.span.start, node.span.end);
  // Anywhere in a reference with an image selector (but its image expression): the remote access.
  for (let i = path.length - 1; i > 0; i--) {
    const node = path[i]!;
    if (node.kind !== "Coindex" || path.slice(i + 1).includes(node.image)) continue;
    const parent = path[i - 1]!;
    const put = parent.kind === "AssignStmt" && parent.target === node;
    return { text: codeLine(source(node), node.type) + "\n\n" + remoteText(node, put, source(node.image)), span: node.span };
  }
  // Else innermost first: the first node with something to say.
  for (let i = path.length - 1; i > 0; i--) {
    const node = path[i]!;
    const parent = path[i - 1]!;
    if (node.kind === "Apply") {
      if (node.role === "intrinsic" && node.intrinsic) {
        const intrinsic = lookupIntrinsic(node.intrinsic);
        if (intrinsic) return { text: "```pgas\n" + intrinsic.signature + "\n```\n\n" + intrinsic.summary, span: node.callee.span };
      }
      const symbol = node.callee.symbol === undefined ? undefined : symbols[node.callee.symbol];
      if (node.role === "element" && symbol?.kind === "shared") {
        return { text: codeLine(source(node), node.type) + "\n\n" + ownerText(text, symbol, node), span: node.span };
      }
      continue;
    }
    if (node.kind === "Name") {
      const symbol = node.symbol === undefined ? undefined : symbols[node.symbol];
      // the name of a shared array's element: the element (the Apply, next outward) says where it lives
      if (parent.kind === "Apply" && parent.callee === node && parent.role === "element" && symbol?.kind === "shared") continue;
      if (symbol) return { text: symbolText(text, symbol), span: node.span };
      if (node.type) return { text: codeLine(node.name, node.type), span: node.span };
      continue;
    }
    if (node.kind === "Identifier") {
      const id = declaredSymbol(parent);
      if (id !== undefined && symbols[id]) return { text: symbolText(text, symbols[id]!), span: node.span };
      continue;
    }
    if (node.kind in VALUE_KINDS && (node as A.Expr).type) return { text: codeLine(source(node), (node as A.Expr).type), span: node.span };
  }
  return null;
}

/** The expressions that are values computed from their parts: hovering one shows its type. */
const VALUE_KINDS: Partial<Record<Node["kind"], true>> = { IntLiteral: true, FloatLiteral: true, StringLiteral: true, BoolLiteral: true, Unary: true, Binary: true };

/** The span of the declaration the name at `offset` refers to (its declaring identifier), or null. */
export function definitionAt(program: A.Program, offset: number): Span | null {
  const path = nodePath(program, offset);
  const symbols = program.symbols ?? [];
  for (let i = path.length - 1; i > 0; i--) {
    const node = path[i]!;
    if (node.kind === "Name" && node.symbol !== undefined) return symbols[node.symbol]?.span ?? null;
    if (node.kind === "Identifier") {
      const id = declaredSymbol(path[i - 1]!);
      return id === undefined ? null : (symbols[id]?.span ?? null);
    }
  }
  return null;
}

export interface OutlineEntry {
  name: string;
  kind: "function" | "constant" | "variable" | "shared" | "parameter";
  /** Type, as written by the checker. */
  detail: string;
  span: Span;
  nameSpan: Span;
  children: OutlineEntry[];
}

/** The declarations of the program: top-level ones, and each function's parameters and declarations. */
export function outline(program: A.Program): OutlineEntry[] {
  const symbols = program.symbols ?? [];
  const entry = (node: A.FnDecl | A.ConstDecl | A.VarDecl | A.SharedDecl | A.Param, children: OutlineEntry[] = []): OutlineEntry => {
    const symbol = node.symbol === undefined ? undefined : symbols[node.symbol];
    const kind = node.kind === "FnDecl" ? "function" : node.kind === "ConstDecl" ? "constant" : node.kind === "SharedDecl" ? "shared" : node.kind === "Param" ? "parameter" : "variable";
    return { name: node.name.text, kind, detail: symbol ? typeToString(symbol.type) : "", span: node.span, nameSpan: node.name.span, children };
  };
  const declarations = (statements: readonly A.Stmt[] | readonly Node[]): OutlineEntry[] => {
    const out: OutlineEntry[] = [];
    for (const s of statements) {
      if (s.kind === "FnDecl") out.push(entry(s, [...s.params.map((p) => entry(p)), ...declarations(s.body.body)]));
      else if (s.kind === "ConstDecl" || s.kind === "VarDecl" || s.kind === "SharedDecl") out.push(entry(s));
    }
    return out;
  };
  return declarations(program.body);
}

export interface Completion {
  label: string;
  kind: "keyword" | "intrinsic" | "symbol";
  detail?: string;
  documentation?: string;
}

/** Keywords, intrinsics and the program's top-level names. */
export function completions(program: A.Program): Completion[] {
  const out: Completion[] = KEYWORDS.map((label) => ({ label, kind: "keyword" as const }));
  const seen = new Set(KEYWORDS);
  for (const intrinsic of INTRINSICS) {
    // the conversions `int(x)`, `float(x)` are keywords too: offered once
    if (!seen.has(intrinsic.name)) out.push({ label: intrinsic.name, kind: "intrinsic", detail: intrinsic.signature, documentation: intrinsic.summary });
  }
  for (const c of out) seen.add(c.label);
  for (const symbol of program.symbols ?? []) {
    if (!symbol.topLevel || seen.has(symbol.name)) continue;
    seen.add(symbol.name);
    out.push({ label: symbol.name, kind: "symbol", detail: typeToString(symbol.type) });
  }
  return out;
}

// --- texts ------------------------------------------------------------------------------------

const ELEMENT_BYTES: Record<string, number> = { float: 8, int: 4, bool: 1 };

function remoteText(node: A.CoindexExpr, put: boolean, image: string): string {
  const what = put ? `remote put to image ${image}` : `remote get from image ${image}`;
  const type = node.type;
  if (type && (type.tag === "int" || type.tag === "float" || type.tag === "bool")) return `${what}, ${ELEMENT_BYTES[type.tag]} bytes`;
  if (type?.tag === "array") return `${what}, ${ELEMENT_BYTES[type.elem]} bytes per element`;
  return what;
}

function ownerText(text: string, symbol: A.Symbol, element: A.ApplyExpr): string {
  const layout = symbol.layout;
  const args = element.args.map((a) => text.slice(a.span.start, a.span.end));
  const k = args.length === 2 ? `k = ${args[0]} * columns + ${args[1]}` : `k = ${args[0]}`;
  return `element of shared \`${symbol.name}\` (${layoutText(text, layout)}): it lives on image \`(k / B) mod num_images()\`, ${k}, ${blockText(text, layout)}`;
}

function layoutText(text: string, layout: A.Layout | undefined): string {
  if (!layout) return "cyclic";
  if (layout.kind === "blockcyclic" && layout.blockSize) return `cyclic(${text.slice(layout.blockSize.span.start, layout.blockSize.span.end)})`;
  return layout.kind;
}

function blockText(text: string, layout: A.Layout | undefined): string {
  if (!layout || layout.kind === "cyclic") return "B = 1";
  if (layout.kind === "block") return "B = ceil(N / num_images()) for its N elements";
  return `B = ${layout.blockSize ? text.slice(layout.blockSize.span.start, layout.blockSize.span.end) : "?"}`;
}

const SYMBOL_WORD: Record<A.SymbolKind, string> = {
  const: "const",
  var: "var",
  shared: "shared",
  param: "parameter",
  loopvar: "loop variable",
  function: "fn",
};

function symbolText(text: string, symbol: A.Symbol): string {
  // a shared array's type reads `shared int(:)`: the declaration word says it already
  let line = `${SYMBOL_WORD[symbol.kind]} ${symbol.name}: ${typeToString(symbol.type).replace(/^shared /, "")}`;
  if (symbol.constValue !== undefined) line += ` = ${JSON.stringify(symbol.constValue)}`;
  let more = "";
  if (symbol.kind === "shared") more = `\n\nshared array, ${layoutText(text, symbol.layout)}: element k lives on image \`(k / B) mod num_images()\`, ${blockText(text, symbol.layout)}`;
  else if (symbol.type.tag === "coscalar" || (symbol.type.tag === "array" && symbol.type.storage === "coarray")) more = "\n\ncoarray: every image has one; `" + symbol.name + "[p]` is image p's";
  return "```pgas\n" + line + "\n```" + more;
}

function codeLine(what: string, type: Type | undefined): string {
  return "```pgas\n" + what + (type ? `: ${typeToString(type)}` : "") + "\n```";
}

/** The symbol a declaration (or a loop, for its variable) declares. */
function declaredSymbol(node: Node): number | undefined {
  if (node.kind === "FnDecl" || node.kind === "ConstDecl" || node.kind === "VarDecl" || node.kind === "SharedDecl" || node.kind === "Param") return node.symbol;
  if (node.kind === "ForStmt" || node.kind === "ForallStmt") return node.symbol;
  return undefined;
}
