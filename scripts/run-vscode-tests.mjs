// Runs integration suites (test-electron contract: extensionTestsPath exports run()) inside a real
// VS Code offline: code-server's Node extension host, its workbench opened in Debian's Chromium by
// playwright-core. The workbench hands run()'s outcome to window.codeAutomationExit(code).
//
//   node scripts/run-vscode-tests.mjs --extensionDevelopmentPath DIR --extensionTestsPath FILE
//        [--folder DIR] [--timeout SECONDS] [--screenshot FILE.png] [--keep-tmp]
// Exit code: 0 all passed; 1 a test failed, no test ran, or no summary line was printed; 2 harness error/timeout.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { format, parseArgs } from 'node:util';
import { isWorkbenchNoise } from './workbenchNoise.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values: a } = parseArgs({ options: {
  extensionDevelopmentPath: { type: 'string' }, extensionTestsPath: { type: 'string' }, folder: { type: 'string' },
  timeout: { type: 'string', default: '600' }, screenshot: { type: 'string' }, 'keep-tmp': { type: 'boolean' },
  untrusted: { type: 'boolean' },
} });
if (!a.extensionDevelopmentPath || !a.extensionTestsPath) { console.error('need --extensionDevelopmentPath and --extensionTestsPath'); process.exit(2); }
const codeServer = process.env.CODE_SERVER ?? path.join(ROOT, '.tools/vscode-host/node_modules/.bin/code-server');
if (!fs.existsSync(codeServer)) { console.error(`[harness] no code-server at ${codeServer}: run scripts/setup.sh host`); process.exit(2); }
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const devPath = path.resolve(a.extensionDevelopmentPath);
const testsPath = path.resolve(a.extensionTestsPath);
const folder = a.folder ? path.resolve(a.folder) : undefined;

const freePort = () => new Promise((resolve, reject) => {
  const s = net.createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  s.on('error', reject);
});
const port = await freePort();
// Everything code-server writes (config, logs, IPC sockets, chromium's profile) stays in one temp dir;
// short path because unix socket paths must stay under ~107 characters.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-vsc-'));
fs.mkdirSync(path.join(tmp, 't'));
fs.mkdirSync(path.join(tmp, 'user-data', 'User'), { recursive: true });
fs.writeFileSync(path.join(tmp, 'user-data', 'User', 'settings.json'), JSON.stringify({
  'telemetry.telemetryLevel': 'off', 'chat.disableAIFeatures': true, 'workbench.startupEditor': 'none',
  'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'update.mode': 'none',
  'git.enabled': false, 'github.gitAuthentication': false, 'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': true,
  // --untrusted: trust stays enabled and is never granted, so the folder opens in restricted mode.
  ...(a.untrusted ? { 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.untrustedFiles': 'open' } : {}),
  ...JSON.parse(process.env.PROMPT_ADAPT_TEST_SETTINGS ?? '{}'),
}, null, 2));
const env = { ...process.env, XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'), XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
  XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'), TMPDIR: path.join(tmp, 't'), XDG_RUNTIME_DIR: path.join(tmp, 't'),
  EXTENSIONS_GALLERY: '{}', AWS_EC2_METADATA_DISABLED: 'true' };
const server = spawn(codeServer, ['--config', path.join(tmp, 'config.yaml'), '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
  '--user-data-dir', path.join(tmp, 'user-data'), '--extensions-dir', path.join(tmp, 'extensions'),
  '--disable-telemetry', '--disable-update-check', ...(a.untrusted ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override', '--disable-proxy',
  // the built workbench ignores extensionDevelopmentPath/extensionTestsPath in the payload without this
  '--vscode-option', 'enable-smoke-test-driver'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
const serverLog = path.join(tmp, 'code-server.log');
const logStream = fs.createWriteStream(serverLog);
server.stdout.pipe(logStream); server.stderr.pipe(logStream);
let serverExited = false;
server.on('exit', () => { serverExited = true; });

let browser;
let summary;            // [passed, failed] from the suite's closing line
let finishing = false;
const timer = setTimeout(() => { console.error(`[harness] timeout after ${a.timeout}s`); void finish(2); }, Number(a.timeout) * 1000);

async function finish(code) {
  if (finishing) return;
  finishing = true;
  clearTimeout(timer);
  if (code === 0 && !summary) { console.error('[harness] the suite printed no "N passed, N failed" line'); code = 1; }
  if (code === 0 && summary[0] === 0) { console.error('[harness] no test ran'); code = 1; }
  try { if (a.screenshot && browser) { const p = browser.contexts()[0]?.pages()[0]; if (p) await p.screenshot({ path: a.screenshot }); } } catch {}
  try { await browser?.close(); } catch {}
  if (!serverExited) { try { process.kill(-server.pid, 'SIGTERM'); } catch {} }
  for (let i = 0; i < 50; i++) { try { process.kill(-server.pid, 0); } catch { break; } await new Promise((r) => setTimeout(r, 100)); }
  try { process.kill(-server.pid, 'SIGKILL'); } catch {}
  if (code !== 0) { try { console.error('[harness] code-server log tail:\n' + fs.readFileSync(serverLog, 'utf8').split('\n').slice(-15).join('\n')); } catch {} }
  if (!a['keep-tmp']) fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGINT', () => finish(130));
process.on('SIGTERM', () => finish(143));

try {
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (serverExited) throw new Error('code-server exited early');
    try { if ((await fetch(`${base}/healthz`)).ok) break; } catch {}
    if (i > 1800) throw new Error('code-server did not come up within 180 s');  // a deadline only: a loaded machine is slow
    await new Promise((r) => setTimeout(r, 100));
  }
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p.split(path.sep).map(encodeURIComponent).join('/')}`;
  const payload = [['extensionDevelopmentPath', remote(devPath)], ['extensionTestsPath', remote(testsPath)], ['skipWelcome', 'true']];
  const url = `${base}/?${folder ? `folder=${encodeURIComponent(folder)}&` : ''}payload=${encodeURIComponent(JSON.stringify(payload))}`;
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'] });
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = format(...args);
    const m = /^(\d+) passed, (\d+) failed$/m.exec(text);
    if (m) summary = [Number(m[1]), Number(m[2])];
    if (isWorkbenchNoise(text)) return;
    (type === 'error' ? console.error : console.log)(text);
  });
  await page.exposeFunction('codeAutomationExit', async (code) => {
    console.log(`[harness] extension host finished, exit code ${code}`);
    await finish(code);
  });
  page.on('pageerror', (e) => console.error('[pageerror]', String(e).slice(0, 300)));
  await page.goto(url, { timeout: 180_000 });  // a loaded machine can take over 30 s to serve the workbench
} catch (e) {
  console.error('[harness] error:', e?.stack ?? e);
  await finish(2);
}
