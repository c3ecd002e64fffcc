// The page a webview browser test loads: the REAL webview bundle (dist/webview/main.js + main.css) under the
// panel's CSP, a theme's VS Code colour variables, and a test's fake host script (`fakeJs`, served as /fake.js and
// run before the bundle). Shared by webviewBrowser.mjs and gridBrowser.mjs.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** The screenshot folder (created), after checking that the bundle was built. */
export function outDir(arg) {
  for (const f of ['main.js', 'main.css']) if (!fs.existsSync(path.join(ROOT, 'dist/webview', f))) { console.error(`dist/webview/${f} missing: run node esbuild.mjs first`); process.exit(2); }
  const out = path.resolve(arg ?? path.join(ROOT, 'test-results/webview'));
  fs.mkdirSync(out, { recursive: true });
  return out;
}

export const THEMES = {
  dark: { cls: 'vscode-dark', vars: { foreground: '#cccccc', 'editor-background': '#1e1e1e', descriptionForeground: '#9d9d9d', focusBorder: '#007fd4', 'textLink-foreground': '#3794ff',
    'button-background': '#0e639c', 'button-foreground': '#ffffff', 'button-secondaryBackground': '#3a3d41', 'button-secondaryForeground': '#cccccc', 'dropdown-background': '#3c3c3c',
    'dropdown-foreground': '#f0f0f0', 'input-background': '#3c3c3c', 'input-foreground': '#cccccc', 'panel-border': '#80808059', 'editorWidget-background': '#252526',
    'editorWidget-border': '#454545', 'badge-background': '#4d4d4d', 'badge-foreground': '#ffffff', 'editorWarning-foreground': '#cca700', 'editorError-foreground': '#f14c4c',
    'editorInfo-foreground': '#3794ff', 'errorForeground': '#f48771', 'textBlockQuote-background': '#222222', 'textCodeBlock-background': '#0a0a0a66',
    'list-activeSelectionBackground': '#04395e', 'list-activeSelectionForeground': '#ffffff', 'list-hoverBackground': '#2a2d2e', 'list-inactiveSelectionBackground': '#37373d',
    'editor-findMatchHighlightBackground': '#ea5c0055', 'charts-blue': '#3794ff', 'charts-red': '#f14c4c', 'charts-green': '#89d185', 'testing-iconPassed': '#73c991', 'testing-iconFailed': '#f14c4c',
    'font-family': 'sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace', 'editor-font-size': '13px' } },
  light: { cls: 'vscode-light', vars: { foreground: '#3b3b3b', 'editor-background': '#ffffff', descriptionForeground: '#717171', focusBorder: '#005fb8', 'textLink-foreground': '#005fb8',
    'button-background': '#005fb8', 'button-foreground': '#ffffff', 'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b', 'dropdown-background': '#ffffff',
    'dropdown-foreground': '#3b3b3b', 'dropdown-border': '#cecece', 'input-background': '#ffffff', 'input-foreground': '#3b3b3b', 'input-border': '#cecece', 'panel-border': '#e5e5e5',
    'editorWidget-background': '#f8f8f8', 'editorWidget-border': '#c8c8c8', 'badge-background': '#cccccc', 'badge-foreground': '#3b3b3b', 'editorWarning-foreground': '#bf8803',
    'editorError-foreground': '#e51400', 'editorInfo-foreground': '#1a85ff', 'errorForeground': '#a1260d', 'textBlockQuote-background': '#f2f2f2', 'textCodeBlock-background': '#dcdcdc66',
    'list-activeSelectionBackground': '#e8e8e8', 'list-activeSelectionForeground': '#000000', 'list-hoverBackground': '#f2f2f2', 'list-inactiveSelectionBackground': '#e4e6f1',
    'editor-findMatchHighlightBackground': '#ea5c0055', 'charts-blue': '#1a85ff', 'charts-red': '#e51400', 'charts-green': '#388a34', 'testing-iconPassed': '#388a34', 'testing-iconFailed': '#e51400',
    'font-family': 'sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace', 'editor-font-size': '13px' } },
  'high-contrast': { cls: 'vscode-high-contrast', vars: { foreground: '#ffffff', 'editor-background': '#000000', descriptionForeground: '#ffffff', focusBorder: '#f38518', contrastBorder: '#6fc3df',
    'textLink-foreground': '#21a6ff', 'button-background': '#000000', 'button-foreground': '#ffffff', 'button-border': '#6fc3df', 'button-secondaryBackground': '#000000', 'button-secondaryForeground': '#ffffff',
    'dropdown-background': '#000000', 'dropdown-foreground': '#ffffff', 'dropdown-border': '#6fc3df', 'input-background': '#000000', 'input-foreground': '#ffffff', 'input-border': '#6fc3df',
    'editorWidget-background': '#0c141f', 'badge-background': '#000000', 'badge-foreground': '#ffffff', 'editorWarning-foreground': '#ffd700', 'editorError-foreground': '#ff3838',
    'editorInfo-foreground': '#3794ff', 'errorForeground': '#f48771', 'textCodeBlock-background': '#000000', 'list-activeSelectionBackground': '#000000', 'list-focusOutline': '#f38518',
    'editor-findMatchHighlightBackground': '#000000', 'charts-blue': '#3794ff', 'charts-red': '#ff3838', 'charts-green': '#89d185', 'testing-iconPassed': '#73c991', 'testing-iconFailed': '#ff3838',
    'font-family': 'sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace', 'editor-font-size': '13px' } },
};

const nonce = randomBytes(16).toString('base64');
const csp = `default-src 'none'; img-src 'self' data:; font-src 'self'; style-src 'self'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'`;
// `controls=native` sets <body data-controls="native">: the fallback the webview uses when the toolkit cannot register.
const page = (theme, controls) => `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" href="/theme-${theme}.css"><link rel="stylesheet" href="/main.css"></head>
<body class="${THEMES[theme].cls}" data-vscode-theme-kind="${THEMES[theme].cls}"${controls === 'native' ? ' data-controls="native"' : ''}><div id="app"></div><script nonce="${nonce}" src="/fake.js"></script><script nonce="${nonce}" src="/main.js"></script></body></html>`;

/** Serves the page at `/?theme=dark|light|high-contrast[&controls=native]`. */
export async function startServer(fakeJs) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const send = (type, body) => { res.writeHead(200, { 'content-type': type }); res.end(body); };
    const theme = url.searchParams.get('theme') ?? 'dark';
    if (url.pathname === '/') return send('text/html', page(theme, url.searchParams.get('controls')));
    if (url.pathname === '/fake.js') return send('text/javascript', fakeJs);
    if (url.pathname === '/main.js') return send('text/javascript', fs.readFileSync(path.join(ROOT, 'dist/webview/main.js')));
    if (url.pathname === '/main.css') return send('text/css', fs.readFileSync(path.join(ROOT, 'dist/webview/main.css')));
    const m = /^\/theme-([a-z-]+)\.css$/.exec(url.pathname);
    if (m && THEMES[m[1]]) return send('text/css', `:root { ${Object.entries(THEMES[m[1]].vars).map(([k, v]) => `--vscode-${k}: ${v};`).join(' ')} }`);
    res.writeHead(404); res.end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}/`;
  return { base, server };
}

export function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-dev-shm-usage'] });
}

/** rgb(r, g, b) of a #rrggbb colour, as getComputedStyle reports it. */
export const rgb = (hex) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

/** Picks an option of a select() control, whichever kit drew it (toolkit dropdowns are opened and clicked; any value, markup included). */
export async function chooseOption(p, id, value) {
  if (await p.evaluate((i) => document.getElementById(i).tagName, id) === 'SELECT') return p.selectOption(`#${id}`, value);
  const n = await p.evaluate(([i, v]) => [...document.querySelectorAll(`#${i} vscode-option`)].findIndex((o) => o.getAttribute('value') === v), [id, value]);
  if (n < 0) throw new Error(`no option ${JSON.stringify(value)} in #${id}`);
  await p.click(`#${id}`);
  await p.locator(`#${id} vscode-option`).nth(n).click();
}
