// LIR → TypeScript text, written through a CodeBlockWriter (ts-morph's writer). Consumes LIR statements;
// writes them and records the bounds-check helpers the checked accesses need. Expressions are
// parenthesised generously: prettier removes the parentheses that are not needed.

import CodeBlockWriter from "code-block-writer";
import type { CountedFor, JsExpr, JsStmt } from "../lower/lir.js";
import { assertNever } from "../ast/visit.js";

const EQUALITY: ReadonlySet<string> = new Set(["===", "!==", "==", "!="]);

export class LirPrinter {
  /** Helpers the printed code calls (`$ck1`, `$ck2`), besides those the lowering recorded. */
  readonly usedHelpers = new Set<string>();

  statements(w: CodeBlockWriter, stmts: JsStmt[]): void {
    for (const s of stmts) this.statement(w, s);
  }

  private body(w: CodeBlockWriter, stmts: JsStmt[]): void {
    w.inlineBlock(() => this.statements(w, stmts));
  }

  statement(w: CodeBlockWriter, s: JsStmt): void {
    switch (s.k) {
      case "marker":
        w.writeLine(`// @pgas ${s.line}:${s.col}`);
        return;
      case "comment":
        w.writeLine(`// ${s.text.replace(/[\r\n\u2028\u2029]/g, " ")}`);
        return;
      case "let":
        w.writeLine(`${this.declaration(s)};`);
        return;
      case "expr":
        w.writeLine(`${this.expr(s.e)};`);
        return;
      case "assign":
        w.writeLine(`${this.expr(s.target)} ${s.op} ${this.expr(s.value)};`);
        return;
      case "if":
        w.write(`if (${this.expr(s.c)}) `);
        this.body(w, s.then);
        if (s.else && s.else.length > 0) {
          w.write(" else ");
          this.body(w, s.else);
        }
        w.newLine();
        return;
      case "countedFor":
        this.countedFor(w, s);
        return;
      case "for": {
        const init = s.init && s.init.k === "let" ? this.declaration(s.init) : "";
        w.write(`${s.label ? `${s.label}: ` : ""}for (${init}; ${s.test ? this.expr(s.test) : ""}; ${s.update ? this.expr(s.update) : ""}) `);
        this.body(w, s.body);
        w.newLine();
        return;
      }
      case "while":
        w.write(`${s.label ? `${s.label}: ` : ""}while (${this.expr(s.c)}) `);
        this.body(w, s.body);
        w.newLine();
        return;
      case "break":
        w.writeLine(s.label ? `break ${s.label};` : "break;");
        return;
      case "continue":
        w.writeLine(s.label ? `continue ${s.label};` : "continue;");
        return;
      case "return":
        w.writeLine(s.e ? `return ${this.expr(s.e)};` : "return;");
        return;
      case "block":
        this.body(w, s.body);
        w.newLine();
        return;
      case "tryFinally":
        w.write("try ");
        this.body(w, s.body);
        w.write(" finally ");
        this.body(w, s.fin);
        w.newLine();
        return;
      case "fn":
        w.blankLineIfLastNot();
        w.write(`function ${s.name}(${s.params.map((p) => `${p.name}: ${p.type}`).join(", ")}): ${s.ret} `);
        this.body(w, s.body);
        w.newLine();
        w.blankLine();
        return;
      default:
        return assertNever(s);
    }
  }

  private declaration(s: Extract<JsStmt, { k: "let" }>): string {
    const type = s.type ? `: ${s.type}` : "";
    const init = s.init ? ` = ${this.expr(s.init)}` : "";
    return `${s.kind} ${s.name}${s.definite ? "!" : ""}${type}${init}`;
  }

  private countedFor(w: CodeBlockWriter, s: CountedFor): void {
    const v = s.variable;
    const hi = this.expr(s.hi);
    let test: string;
    if (s.dir === "up") test = `${v} < ${hi}`;
    else if (s.dir === "down") test = `${v} > ${hi}`;
    else test = `${this.expr(s.step)} > 0 ? ${v} < ${hi} : ${v} > ${hi}`;
    const update = s.step.k === "num" && s.step.v === 1 ? `${v}++` : `${v} += ${this.expr(s.step)}`;
    w.write(`${s.label ? `${s.label}: ` : ""}for (let ${v} = ${this.expr(s.lo)}; ${test}; ${update}) `);
    this.body(w, s.body);
    w.newLine();
  }

  /** An operand: wrapped in parentheses unless it is atomic. */
  private operand(e: JsExpr): string {
    const text = this.expr(e);
    switch (e.k) {
      case "id":
      case "str":
      case "bool":
      case "call":
      case "member":
      case "index":
      case "checked":
      case "array":
      case "null":
        return text;
      case "num":
        return e.v < 0 || Object.is(e.v, -0) ? `(${text})` : text;
      case "bin":
      case "un":
      case "cond":
      case "object":
      case "cast":
      case "new":
      case "assignExpr":
        return `(${text})`;
      default:
        return assertNever(e);
    }
  }

  /**
   * An operand of `===`/`!==`. A string or bool literal is widened (`("a" as string)`), because
   * TypeScript rejects comparing two distinct literal types (`"a" === "A"`), which the
   * language allows.
   */
  private comparand(e: JsExpr): string {
    if (e.k === "str") return `(${jsString(e.v)} as string)`;
    if (e.k === "bool") return `(${e.v ? "true" : "false"} as boolean)`;
    return this.operand(e);
  }

  expr(e: JsExpr): string {
    switch (e.k) {
      case "num":
        return formatNumber(e.v);
      case "str":
        return jsString(e.v);
      case "bool":
        return e.v ? "true" : "false";
      case "null":
        return "null";
      case "id":
        return e.name;
      case "bin":
        if (EQUALITY.has(e.op)) return `${this.comparand(e.l)} ${e.op} ${this.comparand(e.r)}`;
        return `${this.operand(e.l)} ${e.op} ${this.operand(e.r)}`;
      case "un":
        return `${e.op}${this.operand(e.e)}`;
      case "call":
        return `${this.operand(e.fn)}(${e.args.map((a) => this.expr(a)).join(", ")})`;
      case "new":
        return `new ${e.ctor}(${e.args.map((a) => this.expr(a)).join(", ")})`;
      case "member":
        return `${this.operand(e.obj)}.${e.prop}`;
      case "index":
        return `${this.operand(e.obj)}[${this.expr(e.idx)}]`;
      case "cond":
        return `${this.operand(e.c)} ? ${this.operand(e.t)} : ${this.operand(e.f)}`;
      case "array":
        return `[${e.items.map((a) => this.expr(a)).join(", ")}]`;
      case "object":
        return `{ ${e.props.map(([k, v]) => `${k}: ${this.expr(v)}`).join(", ")} }`;
      case "cast":
        return `(${this.expr(e.e)} as ${e.type})`;
      case "assignExpr":
        return `${this.expr(e.target)} ${e.op} ${this.expr(e.value)}`;
      case "checked":
        return this.checked(e);
      default:
        return assertNever(e);
    }
  }

  private checked(e: Extract<JsExpr, { k: "checked" }>): string {
    const data = this.operand(e.data);
    const ix = e.indices.map((i) => this.expr(i));
    const ext = e.extents.map((x) => this.expr(x));
    if (!e.check) {
      if (ix.length === 1) return `${data}[${ix[0]}]`;
      return `${data}[${this.operand(e.indices[0]!)} * ${this.operand(e.extents[1]!)} + ${this.operand(e.indices[1]!)}]`;
    }
    const where = `${jsString(e.name)}, ${e.site}`;
    if (ix.length === 1) {
      this.usedHelpers.add("$ck1");
      return `${data}[$ck1(${ix[0]}, ${ext[0]}, ${where})]`;
    }
    this.usedHelpers.add("$ck2");
    return `${data}[$ck2(${ix[0]}, ${ix[1]}, ${ext[0]}, ${ext[1]}, ${where})]`;
  }
}

/**
 * A JS string literal for any text (a program's strings, its file name, its source lines): JSON's
 * escapes plus U+2028/U+2029, which end a line comment in JavaScript source. The one way text
 * from a program or a path may reach generated code.
 */
export function jsString(text: string): string {
  return JSON.stringify(text).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** A JS number literal for `v` (keeps -0, NaN and the infinities). */
export function formatNumber(v: number): string {
  if (Object.is(v, -0)) return "-0";
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  return String(v);
}

/** LIR statements as the JavaScript they print to, unformatted (pgasc build --dump-passes). */
export function lirText(stmts: readonly JsStmt[]): string {
  const w = new CodeBlockWriter({ indentNumberOfSpaces: 2 });
  new LirPrinter().statements(w, stmts as JsStmt[]);
  return w.toString();
}
