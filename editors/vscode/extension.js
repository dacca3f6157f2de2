// The VS Code side of pgasc: starts `pgasc lsp` (the command in the pgasc.command setting) for
// .pgas files and connects VS Code's language client to it over stdio. Highlighting comes from
// syntaxes/pgas.tmLanguage.json without the server.
"use strict";
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("pgasc").get("command", ["pgasc", "lsp"]);
  const server = { command, args, transport: TransportKind.stdio };
  client = new LanguageClient("pgasc", "pgasc", { run: server, debug: server }, { documentSelector: [{ language: "pgas" }] });
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
