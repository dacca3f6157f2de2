// The playground page's code (browser side; bundled with CodeMirror by tools/bundle-playground.mjs
// into dist/cli/workbench/playground/page.js, not compiled by tsc). Consumes the server's /samples,
// /check, /stages and /run (server.ts); drives the editor, the diagnostics underlined as you type,
// the tabs of the build's stages, and the Run button whose output streams into the Output tab.

import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { StreamLanguage, defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { linter, lintGutter } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { EditorView, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";

const keywords = new Set(JSON.parse(document.getElementById("keywords").textContent));
const $ = (id) => document.getElementById(id);
const status = (text) => ($("status").textContent = text);

/** .pgas highlighting: comments, strings, numbers, keywords (the lexer's list, from the page). */
const pgas = StreamLanguage.define({
  token(stream) {
    if (stream.eatSpace()) return null;
    if (stream.match("//")) {
      stream.skipToEnd();
      return "comment";
    }
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return "string";
    if (stream.match(/^(?:0[xX][0-9A-Fa-f_]+|[0-9][0-9_]*(?:\.[0-9_]+)?(?:[eE][+-]?[0-9_]+)?|\.[0-9][0-9_]*)/)) return "number";
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) return keywords.has(stream.current()) ? "keyword" : "variableName";
    stream.next();
    return "operator";
  },
});

async function post(path, body) {
  const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response;
}

// --- diagnostics as you type -----------------------------------------------------------------

let checks = 0;
const check = linter(
  async (view) => {
    const text = view.state.doc.toString();
    const { diagnostics } = await (await post("/check", { text })).json();
    checks++;
    document.body.dataset.checks = String(checks);
    document.body.dataset.errors = String(diagnostics.filter((d) => d.severity === "error").length);
    $("diagnostics").textContent = diagnostics.map((d) => `playground.pgas:${d.line}:${d.col}: ${d.severity}: ${d.message} [${d.code}]`).join("\n");
    const length = view.state.doc.length;
    return diagnostics.map((d) => {
      const from = Math.min(d.from, length);
      // an empty span (a missing token at the end) still gets a visible mark
      const to = Math.min(Math.max(d.to, from + 1), length);
      return { from: to > from ? from : Math.max(0, from - 1), to: Math.max(to, from), severity: d.severity === "note" ? "info" : d.severity, message: `${d.message} [${d.code}]` };
    });
  },
  { delay: 250 },
);

// --- the build's stages, one tab each ----------------------------------------------------------

const TAB_NAMES = { parse: "tree", check: "checked tree", "resolve-storage": "storage", emit: "TypeScript", transpile: "JavaScript" };
let tabs = [{ id: "output", title: "Output", text: "" }];
let current = "output";

function renderTabs() {
  const bar = $("tabs");
  bar.replaceChildren(
    ...tabs.map((tab) => {
      const button = document.createElement("button");
      button.textContent = tab.title;
      button.dataset.tab = tab.id;
      if (tab.id === current) button.className = "active";
      button.onclick = () => {
        current = tab.id;
        renderTabs();
      };
      return button;
    }),
  );
  $("panel").textContent = (tabs.find((t) => t.id === current) ?? tabs[0]).text;
}

let stagesTimer = 0;
let stagesAsked = 0;
function refreshStages(text) {
  clearTimeout(stagesTimer);
  stagesTimer = setTimeout(async () => {
    const asked = ++stagesAsked;
    const { stages } = await (await post("/stages", { text })).json();
    if (asked !== stagesAsked) return; // a newer text is being built
    const output = tabs[0];
    tabs = [output, ...stages.filter((s) => s.kind !== "source").map((s) => ({ id: s.name, title: TAB_NAMES[s.name] ?? s.name, text: s.text }))];
    if (!tabs.some((t) => t.id === current)) current = "output";
    renderTabs();
    document.body.dataset.stages = String(stages.length);
  }, 500);
}

// --- the editor ----------------------------------------------------------------------------

const view = new EditorView({
  parent: $("editor"),
  state: EditorState.create({
    doc: "",
    extensions: [
      lineNumbers(),
      highlightActiveLine(),
      history(),
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
      pgas,
      syntaxHighlighting(defaultHighlightStyle),
      lintGutter(),
      check,
      EditorView.updateListener.of((update) => {
        if (update.docChanged) refreshStages(update.state.doc.toString());
      }),
    ],
  }),
});

function setText(text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

// --- samples and Run -------------------------------------------------------------------------

const samples = await (await fetch("/samples")).json();
for (const sample of samples) {
  const option = document.createElement("option");
  option.value = sample.name;
  option.textContent = sample.name;
  $("samples").append(option);
}
$("samples").onchange = () => {
  const sample = samples.find((s) => s.name === $("samples").value);
  if (sample) setText(sample.text);
};
const first = samples.find((s) => s.name.endsWith("01-hello.pgas")) ?? samples[0];
if (first) {
  $("samples").value = first.name;
  setText(first.text);
}

$("run").onclick = async () => {
  const images = Number($("images").value);
  $("run").disabled = true;
  document.body.dataset.running = "1";
  const output = tabs[0];
  output.text = "";
  current = "output";
  renderTabs();
  status(`running on ${images} image${images === 1 ? "" : "s"}…`);
  try {
    const response = await post("/run", { text: view.state.doc.toString(), images });
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      output.text += decoder.decode(value, { stream: true });
      if (current === "output") $("panel").textContent = output.text;
    }
    status("done");
  } catch (error) {
    output.text += `\n${error.message}\n`;
    status("failed");
  } finally {
    $("run").disabled = false;
    document.body.dataset.running = "0";
    renderTabs();
  }
};

renderTabs();
status("ready");
document.body.dataset.ready = "1";
