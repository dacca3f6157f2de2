// `pgasc lsp`: a Language Server over stdio (vscode-languageserver). Each open document is checked
// on every change (compiler/driver checkSource: parse and check, no code generation) and its
// diagnostics published; hover, go to definition, document symbols and completion are answered by
// the language service (compiler/services/query.ts) from the latest check. Consumes LSP messages
// on stdin; writes LSP messages on stdout (nothing else may go there).

import {
  CompletionItemKind,
  DiagnosticSeverity,
  SymbolKind,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type Diagnostic as LspDiagnostic,
  type DocumentSymbol,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { fileURLToPath } from "node:url";
import { checkSource, type CheckResult } from "../../compiler/driver/compile.js";
import type { Span } from "../../compiler/diagnostics/span.js";
import { completions, definitionAt, hoverAt, outline, type OutlineEntry } from "../../compiler/services/query.js";

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, note: DiagnosticSeverity.Information } as const;
const OUTLINE_KIND: Record<OutlineEntry["kind"], SymbolKind> = {
  function: SymbolKind.Function,
  constant: SymbolKind.Constant,
  variable: SymbolKind.Variable,
  shared: SymbolKind.Array,
  parameter: SymbolKind.Variable,
};
const COMPLETION_KIND = { keyword: CompletionItemKind.Keyword, intrinsic: CompletionItemKind.Function, symbol: CompletionItemKind.Variable } as const;

/** The name diagnostics and the checker use for a document: its path for file: URIs. */
function fileOf(uri: string): string {
  try {
    return uri.startsWith("file:") ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}

export function runLanguageServer(): void {
  // the streams themselves (not message readers): the library then ends the process when the
  // client closes its end, as well as on `exit`
  const connection = createConnection(process.stdin, process.stdout);
  const documents = new TextDocuments(TextDocument);
  const checked = new Map<string, { version: number; result: CheckResult }>();

  const check = (doc: TextDocument): CheckResult => {
    const known = checked.get(doc.uri);
    if (known && known.version === doc.version) return known.result;
    const result = checkSource(doc.getText(), fileOf(doc.uri));
    checked.set(doc.uri, { version: doc.version, result });
    return result;
  };
  const range = (doc: TextDocument, span: Span) => ({ start: doc.positionAt(span.start), end: doc.positionAt(Math.max(span.end, span.start)) });

  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      definitionProvider: true,
      documentSymbolProvider: true,
      completionProvider: { triggerCharacters: [] },
    },
    serverInfo: { name: "pgasc" },
  }));

  documents.onDidChangeContent(({ document }) => {
    const result = check(document);
    const diagnostics: LspDiagnostic[] = result.diagnostics.map((d) => ({
      range: range(document, d.span),
      severity: SEVERITY[d.severity],
      code: d.code,
      source: "pgasc",
      message: d.message,
      relatedInformation: d.related.map((r) => ({ location: { uri: document.uri, range: range(document, r.span) }, message: r.message })),
    }));
    void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
  });
  documents.onDidClose(({ document }) => {
    checked.delete(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  connection.onHover(({ textDocument, position }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return null;
    const hover = hoverAt(check(doc).program, doc.getText(), doc.offsetAt(position));
    return hover && { contents: { kind: "markdown", value: hover.text }, range: range(doc, hover.span) };
  });
  connection.onDefinition(({ textDocument, position }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return null;
    const span = definitionAt(check(doc).program, doc.offsetAt(position));
    return span && { uri: doc.uri, range: range(doc, span) };
  });
  connection.onDocumentSymbol(({ textDocument }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return [];
    const convert = (e: OutlineEntry): DocumentSymbol => ({
      name: e.name,
      detail: e.detail,
      kind: OUTLINE_KIND[e.kind],
      range: range(doc, e.span),
      selectionRange: range(doc, e.nameSpan),
      children: e.children.map(convert),
    });
    return outline(check(doc).program).map(convert);
  });
  connection.onCompletion(({ textDocument }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return [];
    return completions(check(doc).program).map((c) => ({
      label: c.label,
      kind: COMPLETION_KIND[c.kind],
      detail: c.detail,
      documentation: c.documentation === undefined ? undefined : { kind: "markdown" as const, value: c.documentation },
    }));
  });

  documents.listen(connection);
  connection.listen();
}
