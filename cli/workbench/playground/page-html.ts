// The playground's HTML shell: a bar (samples, image count, Run), the editor on the left, tabs on
// the right (the run's output, then one per stage of the build). The page's code is page.js
// (bundled CodeMirror and client, tools/bundle-playground.mjs). Consumes the keyword list (for
// highlighting); produces the page, with no inline script (only the keyword data).

export function playgroundPage(keywords: readonly string[]): string {
  // JSON inside <script type="application/json">: `<` escaped so no text can close the element
  const data = JSON.stringify(keywords).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>pgasc playground</title>
<link rel="icon" href="data:,">
<style>
html, body { height: 100%; margin: 0; font: 14px system-ui, sans-serif; color: #1b1b1b; }
body { display: flex; flex-direction: column; }
header { display: flex; gap: 0.8em; align-items: center; padding: 0.5em 0.8em; background: #f1f3f5; border-bottom: 1px solid #ccc; }
header h1 { font-size: 1.05em; margin: 0 1em 0 0; }
header input { width: 4em; }
#status { color: #666; margin-left: auto; }
main { flex: 1; display: grid; grid-template-columns: 1fr 1fr; min-height: 0; }
#editor { border-right: 1px solid #ccc; min-height: 0; overflow: auto; }
#editor .cm-editor { height: 100%; }
#side { display: flex; flex-direction: column; min-height: 0; }
#tabs { display: flex; flex-wrap: wrap; gap: 2px; padding: 4px 4px 0; border-bottom: 1px solid #ccc; background: #fafafa; }
#tabs button { border: 1px solid #ccc; border-bottom: none; background: #eee; padding: 0.25em 0.6em; cursor: pointer; font-size: 12px; }
#tabs button.active { background: #fff; font-weight: 600; }
#panel { flex: 1; margin: 0; padding: 0.6em 0.8em; overflow: auto; font: 12px ui-monospace, monospace; white-space: pre-wrap; }
#diagnostics { max-height: 8em; overflow: auto; margin: 0; padding: 0.3em 0.8em; font: 12px ui-monospace, monospace; color: #a40000; border-top: 1px solid #ccc; white-space: pre-wrap; }
#diagnostics:empty { display: none; }
</style>
<script type="application/json" id="keywords">${data}</script>
<script type="module" src="/page.js"></script>
</head>
<body>
<header>
  <h1>pgasc playground</h1>
  <label>sample <select id="samples"><option value="">(your program)</option></select></label>
  <label>images <input id="images" type="number" min="1" max="64" value="4"></label>
  <button id="run">Run</button>
  <span id="status">loading…</span>
</header>
<main>
  <div id="editor"></div>
  <div id="side">
    <div id="tabs"></div>
    <pre id="panel"></pre>
    <pre id="diagnostics"></pre>
  </div>
</main>
</body>
</html>
`;
}
