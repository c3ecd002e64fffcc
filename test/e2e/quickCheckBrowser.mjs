/* global getComputedStyle, MutationObserver -- used inside page.evaluate callbacks, which run in the browser */
// Browser test of the REAL quick-check bundle (dist/webview/quickCheck.js + quickCheck.css) in Debian's Chromium,
// under the host's CSP (`default-src 'none'`, one nonce'd script), with a fake host that answers like the
// extension: init, then each candidate's reply in pieces over time, then its figures. The replies are hostile
// (<script>, <img onerror>, a javascript: link): they must show as literal text and nothing may run. Saves
// screenshots, light and dark, mid-stream and finished.
//   node test/e2e/quickCheckBrowser.mjs [outDir=test-results/quick-check]     (build first: node esbuild.mjs)
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT = path.resolve(process.argv[2] ?? path.join(ROOT, 'test-results/quick-check'));
fs.mkdirSync(OUT, { recursive: true });
for (const f of ['quickCheck.js', 'quickCheck.css']) if (!fs.existsSync(path.join(ROOT, 'dist/webview', f))) { console.error(`dist/webview/${f} missing: run node esbuild.mjs first`); process.exit(2); }

// The VS Code colours the view's stylesheet reads, per theme.
const COLOURS = {
  dark: { cls: 'vscode-dark', foreground: '#cccccc', 'editor-background': '#1e1e1e', descriptionForeground: '#9d9d9d', focusBorder: '#007fd4',
    'button-background': '#0e639c', 'button-foreground': '#ffffff', 'button-secondaryBackground': '#3a3d41', 'button-secondaryForeground': '#cccccc',
    'input-background': '#3c3c3c', 'input-foreground': '#cccccc', 'dropdown-background': '#3c3c3c', 'dropdown-foreground': '#f0f0f0', 'panel-border': '#80808059',
    'editorWidget-background': '#252526', 'editorWidget-border': '#454545', 'textCodeBlock-background': '#0a0a0a66', 'editorError-foreground': '#f14c4c', errorForeground: '#f48771' },
  light: { cls: 'vscode-light', foreground: '#3b3b3b', 'editor-background': '#ffffff', descriptionForeground: '#717171', focusBorder: '#005fb8',
    'button-background': '#005fb8', 'button-foreground': '#ffffff', 'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b',
    'input-background': '#ffffff', 'input-foreground': '#3b3b3b', 'input-border': '#cecece', 'dropdown-background': '#ffffff', 'dropdown-foreground': '#3b3b3b', 'panel-border': '#e5e5e5',
    'editorWidget-background': '#f8f8f8', 'editorWidget-border': '#c8c8c8', 'textCodeBlock-background': '#dcdcdc66', 'editorError-foreground': '#e51400', errorForeground: '#a1260d' },
};
const FONTS = { 'font-family': 'sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace', 'editor-font-size': '13px' };
const HOSTILE = {
  'model-a': '<script>window.__pwned = 1</script> Refunds take <b>five</b> business days.',
  'model-b': '<img src=x onerror="window.__pwned = 2"> <a href="javascript:window.__pwned=3">click</a> I cannot answer that.',
  'model-c': '',
};

// The fake host runs in the page: it records what the view posts and answers like QuickCheckPanel.
const fakeHost = (hostile) => `window.__posted = []; window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
const reply = (m) => window.postMessage(m, '*');
window.acquireVsCodeApi = () => ({ postMessage(m) {
  window.__posted.push(m);
  if (m.type === 'ready') reply({ type: 'init', promptName: 'Support QA <i>x</i>', variables: ['context', 'question'],
    testSets: [{ id: 'support', rows: [{ id: 'ex-1', label: 'ex-1: How long do refunds take? <script>', values: { context: 'Refunds are issued within 5 business days.', question: 'How long do refunds take?' } }] }],
    candidates: [{ id: 'model-a', model: 'gpt-x', endpoint: 'loopback', priced: true }, { id: 'model-b', model: 'nova', endpoint: 'bedrock', priced: false }, { id: 'model-c', model: 'broken', endpoint: 'loopback', priced: true }],
    selected: { testSetId: 'support', rowId: 'ex-1' } });
  if (m.type === 'run') {
    const hostile = ${JSON.stringify(hostile)};
    reply({ type: 'started', check: 1, candidateIds: m.candidateIds });
    for (const id of m.candidateIds) {
      const text = hostile[id];
      const pieces = text ? text.match(/[\\s\\S]{1,12}/g) : [];
      pieces.forEach((p, i) => setTimeout(() => reply({ type: 'text', check: 1, pieces: [{ candidateId: id, text: p }] }), 150 * (i + 1)));
      setTimeout(() => reply({ type: 'done', check: 1, result: id === 'model-c'
        ? { candidateId: id, model: 'broken', text: '', error: 'HTTP 401: <b>bad key</b>' }
        : { candidateId: id, model: id, text, answer: text, idk: id === 'model-b', schemaValid: true, firstTokenMs: 150, latencyMs: 150 * (pieces.length + 1),
            inputTokens: 42, outputTokens: 17, cost: id === 'model-a' ? 0.000076 : undefined, streamed: true } }), 150 * (pieces.length + 2));
    }
    setTimeout(() => reply({ type: 'finished', check: 1 }), 150 * 12);
  }
} });`;

const nonce = randomBytes(16).toString('base64');
const csp = `default-src 'none'; style-src 'self'; font-src 'self'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'`;
const page = (theme) => `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" href="/theme-${theme}.css"><link rel="stylesheet" href="/quickCheck.css"></head>
<body class="${COLOURS[theme].cls}"><div id="app"></div><script nonce="${nonce}" src="/fake.js"></script><script nonce="${nonce}" src="/quickCheck.js"></script></body></html>`;
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const send = (type, body) => { res.writeHead(200, { 'content-type': type }); res.end(body); };
  if (url.pathname === '/') return send('text/html', page(url.searchParams.get('theme') ?? 'dark'));
  if (url.pathname === '/fake.js') return send('text/javascript', fakeHost(HOSTILE));
  if (url.pathname === '/quickCheck.js' || url.pathname === '/quickCheck.css') {
    return send(url.pathname.endsWith('.js') ? 'text/javascript' : 'text/css', fs.readFileSync(path.join(ROOT, 'dist/webview', url.pathname.slice(1))));
  }
  const theme = /^\/theme-(\w+)\.css$/.exec(url.pathname)?.[1];
  if (!theme || !COLOURS[theme]) { res.writeHead(404); res.end(); return undefined; }
  const { cls: _cls, ...vars } = { ...COLOURS[theme], ...FONTS };
  return send('text/css', `:root { ${Object.entries(vars).map(([k, v]) => `--vscode-${k}: ${v};`).join(' ')} }`);
});
const base = await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}/`)));

/** Each check prints a line; the failed ones are counted at the end. */
const failures = [];
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-dev-shm-usage'];
const browser = await chromium.launch({ headless: true, args: chromiumArgs, executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
try {
  for (const theme of Object.keys(COLOURS)) {
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 820 } });
    const p = await ctx.newPage();
    const dialogs = [];
    const errors = [];
    p.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    p.on('pageerror', (e) => errors.push(String(e)));
    await p.goto(`${base}?theme=${theme}`);
    await p.waitForSelector('#qc-run');
    check(await p.inputValue('#qc-var-question') === 'How long do refunds take?', `${theme}: the preselected row fills the variables`);
    check(await p.evaluate(() => document.querySelector('h2')?.textContent) === 'Quick check: Support QA <i>x</i>', `${theme}: the prompt name is text`);
    await p.click('#qc-run');
    const run = await p.evaluate(() => window.__posted.find((m) => m.type === 'run'));
    check(run && run.candidateIds.join() === 'model-a,model-b,model-c' && run.row?.id === 'ex-1' && run.values.question === 'How long do refunds take?', `${theme}: Run posts the row, the values and the ticked candidates`);
    // Mid-stream: part of a reply is on screen before it is done.
    // Taken in the page on the DOM change that brings it to 24 characters (not a round trip later, when a loaded
    // machine may have let the rest of the stream arrive).
    const partial = await p.evaluate(() => new Promise((resolve) => {
      const snapshot = () => {
        const text = document.querySelector('[data-candidate="model-a"] .qc-out')?.textContent ?? '';
        return text.length >= 24 ? { text, done: document.querySelector('[data-candidate="model-a"]').dataset.done } : undefined;
      };
      const now = snapshot();
      if (now) { resolve(now); return; }
      new MutationObserver((_, o) => { const s = snapshot(); if (s) { o.disconnect(); resolve(s); } })
        .observe(document.body, { subtree: true, childList: true, characterData: true });
    }));
    check(partial.done === undefined && partial.text.length < 70, `${theme}: the reply grows as it streams (${partial.text.length} characters shown, not done)`);
    await p.screenshot({ path: path.join(OUT, `quick-check-streaming-${theme}.png`), fullPage: true });
    await p.waitForFunction(() => document.querySelectorAll('[data-done="true"]').length === 3, undefined, { timeout: 60_000 }); // a deadline only
    await p.waitForFunction(() => !document.getElementById('qc-save').disabled);
    const shown = await p.evaluate(() => Object.fromEntries([...document.querySelectorAll('.qc-col')].map((c) => [c.dataset.candidate,
      { out: c.querySelector('.qc-out').textContent, figs: c.querySelector('.qc-figs').textContent, failed: c.classList.contains('failed') }])));
    check(shown['model-a'].out === HOSTILE['model-a'] && shown['model-b'].out === HOSTILE['model-b'], `${theme}: hostile replies show literally, as text`);
    check(/first token 150 ms · total [\d.]+ s · 42 in \/ 17 out tokens · \$0\.00008/.test(shown['model-a'].figs), `${theme}: figures: ${shown['model-a'].figs}`);
    check(/no price · IDK/.test(shown['model-b'].figs), `${theme}: no price and IDK said in words: ${shown['model-b'].figs}`);
    check(shown['model-c'].failed && shown['model-c'].figs === 'failed: HTTP 401: <b>bad key</b>', `${theme}: a failing candidate shows its error as text`);
    const inert = await p.evaluate(() => ({ pwned: window.__pwned, scripts: document.querySelectorAll('.qc-results script, .qc-results img, .qc-results a, h2 i').length, csp: window.__csp }));
    check(inert.pwned === undefined && inert.scripts === 0, `${theme}: nothing in the replies ran or became an element`);
    check(dialogs.length === 0 && errors.length === 0 && inert.csp.length === 0, `${theme}: no dialogs, page errors or CSP violations (${[...dialogs, ...errors, ...inert.csp].join('; ')})`);
    const colours = await p.evaluate(() => ({ bg: getComputedStyle(document.body).backgroundColor, col: getComputedStyle(document.querySelector('.qc-col')).backgroundColor }));
    check(colours.bg !== colours.col, `${theme}: the columns stand out from the page (${colours.bg} / ${colours.col})`);
    await p.click('#qc-save');
    check(await p.evaluate(() => window.__posted.some((m) => m.type === 'save')), `${theme}: Save asks the host (nothing is stored otherwise)`);
    await p.screenshot({ path: path.join(OUT, `quick-check-${theme}.png`), fullPage: true });
    await ctx.close();
  }
} finally {
  await browser.close();
  server.close();
}
console.log(failures.length ? `\n${failures.length} check(s) failed` : `\nall checks passed; screenshots in ${path.relative(ROOT, OUT)}`);
process.exit(failures.length ? 1 : 0);
