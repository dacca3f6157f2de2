// The .pgas formatter, as a prettier plugin (`pgasc fmt`, or `prettier --plugin pgasc/prettier`):
// the parser is pgasc's own (compiler/syntax), with the line comments found between its tokens; the
// printer writes every node kind in one canonical layout (two-space blocks, one statement a line,
// spaces around binary operators, parentheses only where precedence needs them, literals as
// written, at most one blank line kept between statements). Comments are attached by prettier.
// Consumes .pgas text; gives formatted text with the same tree (test/unit/format.test.ts).

import type { AstPath, Doc, Parser, Plugin, Printer } from "prettier";
import { doc } from "prettier";
import type * as A from "../ast/nodes.js";
import { assertNever, type Node } from "../ast/visit.js";
import { DiagnosticSink } from "../diagnostics/diagnostic.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { lex } from "../syntax/lexer.js";
import { parseProgram } from "../syntax/parse.js";

const { hardline, indent, join } = doc.builders;

/** A `// ...` comment: prettier attaches it to the nodes around it. */
export interface LineCommentNode {
  kind: "Comment";
  text: string;
  span: { start: number; end: number };
}

type FormatNode = Node | LineCommentNode;
type Root = A.Program & { comments: LineCommentNode[] };

/** The comments of `text`: whatever starts with `//` between two tokens (never inside a string). */
function commentsOf(text: string): LineCommentNode[] {
  const tokens = lex(text, new DiagnosticSink("")).rawTokens;
  const comments: LineCommentNode[] = [];
  let from = 0;
  const scan = (start: number, end: number) => {
    const gap = text.slice(start, end);
    for (const m of gap.matchAll(/\/\/[^\r\n]*/g)) comments.push({ kind: "Comment", text: m[0].trimEnd(), span: { start: start + m.index, end: start + m.index + m[0].length } });
  };
  for (const t of tokens) {
    scan(from, t.startOffset);
    from = (t.endOffset ?? t.startOffset) + 1;
  }
  scan(from, text.length);
  return comments;
}

const parser: Parser<FormatNode> = {
  astFormat: "pgas",
  parse(text, options) {
    const file = (options as { filepath?: string }).filepath ?? "input.pgas";
    const sink = new DiagnosticSink(file);
    const program = parseProgram(text, file, sink);
    const errors = sink.sorted().filter((d) => d.severity === "error");
    if (errors.length > 0) throw new SyntaxError(`cannot format ${file}: it has syntax errors\n${renderDiagnostics(errors, text, { color: false })}`);
    return Object.assign(program, { comments: commentsOf(text) }) as Root;
  },
  locStart: (node) => node.span.start,
  locEnd: (node) => node.span.end,
};

/** The fields of each kind that hold child nodes, for prettier's comment attachment. */
const CHILD_KEYS: Record<Node["kind"] | "Comment", string[]> = {
  Program: ["body"],
  FnDecl: ["name", "params", "returnType", "body"],
  Param: ["name", "type"],
  Identifier: [],
  TypeExpr: ["dims"],
  // a Layout's kind is its layout's name
  cyclic: [],
  block: [],
  blockcyclic: ["blockSize"],
  Block: ["body"],
  ConstDecl: ["name", "init"],
  VarDecl: ["name", "type", "init"],
  SharedDecl: ["name", "type", "layout"],
  AssignStmt: ["target", "value", "notify"],
  ExprStmt: ["expr"],
  IfStmt: ["cond", "then", "else"],
  WhileStmt: ["cond", "body"],
  ForStmt: ["variable", "lo", "hi", "step", "body"],
  ForallStmt: ["variable", "lo", "hi", "affinity", "body"],
  BreakStmt: [],
  ContinueStmt: [],
  ReturnStmt: ["value"],
  StopStmt: [],
  ErrorStopStmt: ["value"],
  CheckpointStmt: [],
  FormTeamStmt: ["number", "team"],
  ChangeTeamStmt: ["team", "body"],
  SyncAllStmt: [],
  SyncImagesStmt: ["images"],
  SyncMemoryStmt: [],
  CriticalStmt: ["body"],
  LockStmt: ["lock"],
  UnlockStmt: ["lock"],
  EventPostStmt: ["event"],
  EventWaitStmt: ["event", "until"],
  IntLiteral: [],
  FloatLiteral: [],
  StringLiteral: [],
  BoolLiteral: [],
  Name: [],
  Unary: ["operand"],
  Binary: ["left", "right"],
  Slice: ["lo", "hi"],
  Apply: ["callee", "args"],
  Coindex: ["base", "image"],
  Comment: [],
};

/** Binding strength (LANGUAGE.md §4): levels 1-5 left-associative, unary 6, `**` 7, the rest 8. */
const LEVEL: Record<A.BinaryOp, number> = {
  "||": 1,
  "&&": 2,
  "==": 3,
  "!=": 3,
  "<": 3,
  "<=": 3,
  ">": 3,
  ">=": 3,
  "+": 4,
  "-": 4,
  "|": 4,
  "^": 4,
  "*": 5,
  "/": 5,
  "%": 5,
  "<<": 5,
  ">>": 5,
  "&": 5,
  "**": 7,
};

function levelOf(e: A.Expr): number {
  return e.kind === "Binary" ? LEVEL[e.op] : e.kind === "Unary" ? 6 : 8;
}

const printer: Printer<FormatNode> = {
  print(path, options, print) {
    const text = options.originalText;
    const node = path.node;
    if (node.kind === "Comment") return node.text;
    return printNode(node, path as AstPath<Node>, print, text);
  },
  printComment(path) {
    return (path.node as LineCommentNode).text;
  },
  canAttachComment: (node) => node.kind !== "Comment" && node.kind !== "Identifier",
  isBlockComment: () => false,
  getVisitorKeys: (node) => CHILD_KEYS[node.kind] ?? [],
};

function printNode(node: Node, path: AstPath<Node>, print: (selector?: string | number | (string | number)[]) => Doc, text: string): Doc {
  const p = (key: string) => print(key);
  const source = (n: { span: { start: number; end: number } }) => text.slice(n.span.start, n.span.end);
  switch (node.kind) {
    case "Program": {
      const comments = danglingComments(node);
      return [comments.length > 0 ? [join(hardline, comments), node.body.length > 0 ? hardline : ""] : "", statements(path, print, text, "body"), hardline];
    }
    case "Block":
      return block(path, print, text);
    case "FnDecl":
      return ["fn ", p("name"), "(", join(", ", path.map(() => print(), "params")), ")", node.returnType ? [" -> ", p("returnType")] : "", " ", p("body")];
    case "Param":
      return [p("name"), ": ", p("type")];
    case "Identifier":
      return node.text;
    case "TypeExpr": {
      const parentKind = (path.parent as Node | null)?.kind;
      const dims = node.dims.length === 0 ? "" : ["(", join(", ", path.map((d) => (d.node === null ? ":" : print()), "dims")), ")"];
      return [node.shared && parentKind === "Param" ? "shared " : "", node.elem, dims, node.coarray ? "[*]" : ""];
    }
    case "cyclic":
    case "block":
      return node.kind;
    case "blockcyclic":
      return ["cyclic(", p("blockSize"), ")"];
    case "ConstDecl":
      return ["const ", p("name"), " = ", p("init")];
    case "VarDecl":
      return ["var ", p("name"), node.type ? [": ", p("type")] : "", node.init ? [" = ", p("init")] : ""];
    case "SharedDecl": {
      // a layout not written takes the declaration's span (nodes.ts): it stays unwritten
      const written = !(node.layout.span.start === node.span.start && node.layout.span.end === node.span.end);
      return ["shared ", p("name"), ": ", p("type"), written ? [" ", p("layout")] : ""];
    }
    case "AssignStmt":
      return [p("target"), " ", node.op, " ", p("value"), node.notify ? [" notify ", p("notify")] : ""];
    case "ExprStmt":
      return p("expr");
    case "IfStmt":
      return ["if ", p("cond"), " ", p("then"), node.else ? [" else ", p("else")] : ""];
    case "WhileStmt":
      return ["while ", p("cond"), " ", p("body")];
    case "ForStmt":
      return ["for ", p("variable"), " in ", p("lo"), "..", p("hi"), node.step ? [" by ", p("step")] : "", " ", p("body")];
    case "ForallStmt":
      return ["forall ", p("variable"), " in ", p("lo"), "..", p("hi"), " on ", p("affinity"), " ", p("body")];
    case "BreakStmt":
      return "break";
    case "ContinueStmt":
      return "continue";
    case "ReturnStmt":
      return node.value ? ["return ", p("value")] : "return";
    case "StopStmt":
      return "stop";
    case "ErrorStopStmt":
      return node.value ? ["error stop ", p("value")] : "error stop";
    case "CheckpointStmt":
      return "checkpoint";
    case "FormTeamStmt":
      return ["form team(", p("number"), ", ", p("team"), ")"];
    case "ChangeTeamStmt":
      return ["change team(", p("team"), ") ", p("body")];
    case "SyncAllStmt":
      return "sync all";
    case "SyncImagesStmt":
      return ["sync images(", node.images ? p("images") : "*", ")"];
    case "SyncMemoryStmt":
      return "sync memory";
    case "CriticalStmt":
      return ["critical ", p("body")];
    case "LockStmt":
      return ["lock ", p("lock")];
    case "UnlockStmt":
      return ["unlock ", p("lock")];
    case "EventPostStmt":
      return ["event post ", p("event")];
    case "EventWaitStmt":
      return ["event wait ", p("event"), node.until ? [" until ", p("until")] : ""];
    case "IntLiteral":
    case "FloatLiteral":
    case "StringLiteral":
      return source(node);
    case "BoolLiteral":
      return node.value ? "true" : "false";
    case "Name":
      return node.name;
    case "Unary": {
      // `- -x` and `-(a + b)`: a unary or looser operand in parentheses
      const operand = node.operand;
      const wrap = operand.kind === "Unary" || levelOf(operand) < 6;
      return [node.op, wrap ? ["(", p("operand"), ")"] : p("operand")];
    }
    case "Binary": {
      const level = LEVEL[node.op];
      const power = node.op === "**";
      // `**` groups from the right and binds tighter than unary; the others group from the left
      const wrapLeft = power ? levelOf(node.left) <= 7 : levelOf(node.left) < level;
      const wrapRight = power ? levelOf(node.right) < 6 : levelOf(node.right) <= level;
      return [wrapLeft ? ["(", p("left"), ")"] : p("left"), ` ${node.op} `, wrapRight ? ["(", p("right"), ")"] : p("right")];
    }
    case "Slice":
      return [node.lo ? p("lo") : "", ":", node.hi ? p("hi") : ""];
    case "Apply":
      return [p("callee"), "(", join(", ", path.map(() => print(), "args")), ")"];
    case "Coindex":
      return [p("base"), "[", p("image"), "]"];
    default:
      return assertNever(node);
  }
}

/** Statements one a line, one blank line kept where the source had any. */
function statements(path: AstPath<Node>, print: (selector?: string | number | (string | number)[]) => Doc, text: string, key: "body"): Doc {
  const parts: Doc[] = [];
  const list = (path.node as { body: Node[] })[key];
  path.each((child, index) => {
    parts.push(print());
    if (index < list.length - 1) {
      parts.push(hardline);
      if (blankLineAfter(text.slice(child.node.span.end, list[index + 1]!.span.start))) parts.push(hardline);
    }
  }, key);
  return parts;
}

/**
 * Whether the source between two statements has an empty line before the next one's first
 * comment (prettier itself keeps an empty line between a leading comment and its statement).
 */
function blankLineAfter(between: string): boolean {
  // from the end of the statement's own line (which may hold its trailing comment)
  const lineEnd = between.indexOf("\n");
  return lineEnd >= 0 && /\n[ \t]*\r?\n/.test(between.slice(lineEnd).split("//")[0]!);
}

/** The comments prettier left inside a node (an empty block, an empty program): printed here. */
function danglingComments(node: Node): string[] {
  const comments = (node as { comments?: (LineCommentNode & { leading?: boolean; trailing?: boolean; printed?: boolean })[] }).comments ?? [];
  const dangling = comments.filter((c) => !c.leading && !c.trailing);
  for (const c of dangling) c.printed = true;
  return dangling.map((c) => c.text);
}

function block(path: AstPath<Node>, print: (selector?: string | number | (string | number)[]) => Doc, text: string): Doc {
  const node = path.node as A.Block;
  const dangling = danglingComments(node);
  if (node.body.length === 0 && dangling.length === 0) return "{}";
  const inner: Doc[] = [];
  if (dangling.length > 0) inner.push(join(hardline, dangling));
  if (node.body.length > 0) inner.push(statements(path, print, text, "body"));
  return ["{", indent([hardline, join(hardline, inner)]), hardline, "}"];
}

export const languages = [{ name: "PGAS", parsers: ["pgas"], extensions: [".pgas"], vscodeLanguageIds: ["pgas"] }];
export const parsers = { pgas: parser };
export const printers = { pgas: printer };

const plugin: Plugin<FormatNode> = { languages, parsers, printers };
export default plugin;
