// The diagnostics sink shared by every compiler phase (esbuild's "one logger"): phases report
// here and never throw on user errors. Consumes message definitions from catalogue.ts; gives
// Diagnostic records, sorted and de-duplicated, ready for render.ts.

import type { Span } from "./span.js";

export type Severity = "error" | "warning" | "note";

export interface Related {
  message: string;
  span: Span;
}

export interface Diagnostic {
  /** Stable code from the catalogue, e.g. "E2003". */
  code: string;
  severity: Severity;
  message: string;
  file: string;
  span: Span;
  related: Related[];
}

/** A catalogue entry: a stable code and a function building the message from its arguments. */
export interface MessageDef<A extends unknown[]> {
  code: string;
  severity: Severity;
  format: (...args: A) => string;
}

export function defineError<A extends unknown[]>(code: string, format: (...args: A) => string): MessageDef<A> {
  return { code, severity: "error", format };
}

export function defineWarning<A extends unknown[]>(code: string, format: (...args: A) => string): MessageDef<A> {
  return { code, severity: "warning", format };
}

export class DiagnosticSink {
  readonly diagnostics: Diagnostic[] = [];

  constructor(readonly file: string) {}

  report<A extends unknown[]>(def: MessageDef<A>, span: Span, ...args: A): Diagnostic {
    const d: Diagnostic = {
      code: def.code,
      severity: def.severity,
      message: def.format(...args),
      file: this.file,
      span,
      related: [],
    };
    this.diagnostics.push(d);
    return d;
  }

  get errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === "error").length;
  }

  hasErrors(): boolean {
    return this.errorCount > 0;
  }

  /** In source order; two reports of the same code at the same place become one. */
  sorted(): Diagnostic[] {
    const seen = new Set<string>();
    return [...this.diagnostics]
      .sort((a, b) => a.span.start - b.span.start || a.code.localeCompare(b.code))
      .filter((d) => {
        const key = `${d.code}@${d.span.start}:${d.message}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
  }
}
