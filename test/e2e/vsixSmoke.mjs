// End-to-end check of the packaged extension: install the .vsix into a fresh code-server profile, open a
// workspace in the real workbench (Debian Chromium via playwright-core), open a prompt file and check
// that VS Code gives it our language and that the extension activated (its log says so). With a workspace
// that has runs (the bundled example after `npm run demo`), also open the comparison panel from the
// command palette and check the real webview renders the comparison and the decision.
//   node test/e2e/vsixSmoke.mjs <file.vsix> <workspaceFolder> <screenshotDir> [promptFileName]
import { chromium } from 'playwright-core';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isWorkbenchNoise } from '../../scripts/workbenchNoise.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
let page;
/** Runs a command from the command palette by its title. */
async function palette(title) {
  await page.keyboard.press('Control+Shift+P');
  await page.locator('.quick-input-widget input').waitFor({ timeout: 60_000 });
  await page.keyboard.type(title);
  try {
    await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 60_000 });
  } catch (e) {
    await page.keyboard.press('Escape');   // never leave the palette open over the workbench
    throw e;
  }
  await page.keyboard.press('Enter');
}
const [vsix, folderArg, shotsArg, promptName = 'qa.prompt.yml'] = process.argv.slice(2);
if (!vsix || !folderArg || !shotsArg) { console.error('usage: vsixSmoke.mjs <file.vsix> <workspaceFolder> <screenshotDir>'); process.exit(2); }
const folder = path.resolve(folderArg), shots = path.resolve(shotsArg);
fs.mkdirSync(shots, { recursive: true });
const codeServer = path.join(ROOT, '.tools/vscode-host/node_modules/.bin/code-server');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-e2e-'));
fs.mkdirSync(path.join(tmp, 't'));
fs.mkdirSync(path.join(tmp, 'user-data/User'), { recursive: true });
fs.writeFileSync(path.join(tmp, 'user-data/User/settings.json'), JSON.stringify({
  'telemetry.telemetryLevel': 'off', 'chat.disableAIFeatures': true, 'workbench.startupEditor': 'none',
  'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'git.enabled': false, 'workbench.enableExperiments': false }));
const env = { ...process.env, XDG_CONFIG_HOME: path.join(tmp, 'xc'), XDG_DATA_HOME: path.join(tmp, 'xd'), XDG_CACHE_HOME: path.join(tmp, 'xk'),
  TMPDIR: path.join(tmp, 't'), XDG_RUNTIME_DIR: path.join(tmp, 't'), EXTENSIONS_GALLERY: '{}' };
const common = ['--config', path.join(tmp, 'config.yaml'), '--user-data-dir', path.join(tmp, 'user-data'), '--extensions-dir', path.join(tmp, 'ext')];

let failures = 0;
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures++; };

const install = spawnSync(codeServer, [...common, '--install-extension', path.resolve(vsix)], { env, encoding: 'utf8' });
check(install.status === 0, `code-server --install-extension ${path.basename(vsix)}`);
const listed = spawnSync(codeServer, [...common, '--list-extensions', '--show-versions'], { env, encoding: 'utf8' }).stdout;
check(/prompt-adapt\.prompt-adapt@/.test(listed), `installed extensions list prompt-adapt (${listed.trim()})`);

const port = await new Promise((res) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });
const server = spawn(codeServer, [...common, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
  '--disable-workspace-trust', '--disable-getting-started-override', '--disable-proxy'], { env, detached: true, stdio: 'ignore' });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'] });
try {
  for (let i = 0; i < 1800; i++) { try { if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break; } catch {} await new Promise((r) => setTimeout(r, 100)); }
  page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  page.on('console', (m) => { if (m.type() === 'error' && !isWorkbenchNoise(m.text(), m.location().url)) console.log('[console]', m.text().slice(0, 300)); });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`, { timeout: 180_000 });  // a busy machine can take over 30 s
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'prompts' }).first().waitFor({ timeout: 60_000 });
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').waitFor({ timeout: 60_000 });
  await page.keyboard.type(promptName);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: promptName }).first().waitFor({ timeout: 60_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab', { hasText: promptName }).first().waitFor({ timeout: 60_000 });
  await page.locator('.monaco-editor .view-lines', { hasText: 'messages' }).first().waitFor({ timeout: 60_000 });
  const language = page.locator('.statusbar-item', { hasText: 'Prompt (Adapt)' });
  await language.first().waitFor({ timeout: 30_000 }).catch(() => {});
  check(await language.count() > 0, `the status bar shows the language "Prompt (Adapt)" for ${promptName}`);
  // Activation, seen from the outside: the Prompt Adapt view lists the project's groups (its tree is
  // registered by activate()). (The log's "activated" line can scroll out of the rendered output lines.)
  await page.locator('.monaco-editor .view-lines').first().click();
  await palette('View: Show Prompt Adapt').catch(() => page.locator('.activitybar [aria-label^="Prompt Adapt"]').first().click());
  const groups = page.locator('.monaco-list-row', { hasText: 'Test sets' });
  await groups.first().waitFor({ timeout: 60_000 }).catch(() => {});
  check(await groups.count() > 0, 'the extension activated: its Prompt Adapt view lists the project (Prompts, Test sets, Candidates)');
  await page.screenshot({ path: path.join(shots, 'vsix-activated.png') });

  if (fs.existsSync(path.join(folder, '.prompt-adapt', 'runs'))) {
    // The real webview, in the real workbench: the panel renders the comparison computed from the runs.
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Shift+P');
    await page.locator('.quick-input-widget input').waitFor({ timeout: 60_000 });
    await page.keyboard.type('Prompt Adapt: Compare with Baseline');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Compare with Baseline' }).first().waitFor({ timeout: 60_000 });
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: 'Comparison' }).first().waitFor({ timeout: 30_000 });
    const frameWith = async (text) => {
      for (let i = 0; i < 120; i++) {
        for (const f of page.frames()) {
          try { if ((await f.evaluate(() => document.body?.innerText ?? '')).includes(text)) return f; } catch {}
        }
        await page.waitForTimeout(500);
      }
      return undefined;
    };
    const frame = await frameWith('Candidates vs');
    check(!!frame, 'the comparison panel renders the calibrated comparison in the real webview');
    if (!frame) {
      await page.screenshot({ path: path.join(shots, 'panel-missing.png') });
      for (const f of page.frames()) { try { console.log('frame', f.url().slice(0, 120), JSON.stringify((await f.evaluate(() => document.body?.innerText ?? '')).slice(0, 200))); } catch (e) { console.log('frame', f.url().slice(0, 80), 'unreadable', String(e).slice(0, 80)); } }
    }
    if (frame) {
      const text = await frame.evaluate(() => document.body.innerText);
      // Verdict first: each candidate's statistics verdict in words, with the estimator `auto` chose for it.
      check(/Statistics verdict/.test(text) && /\b(better|non-inferior|worse|inconclusive)\b/.test(text) && /rogan-gladen|ppi\+\+|human-only/.test(text),
        'the verdict-first table shows each candidate\'s statistics verdict and the estimator chosen for it');
      if (await page.locator('.part.panel').isVisible().catch(() => false)) await palette('View: Hide Panel').catch(() => undefined);   // room for the picture
      await page.waitForTimeout(800);
      await page.screenshot({ path: path.join(shots, 'comparison-panel.png') });
      await frame.locator('[data-view="decision"]').first().click().catch(() => {});
      const decided = await frameWith('Chosen:');
      check(!!decided, 'the Decision view shows the selection');
      await page.screenshot({ path: path.join(shots, 'decision-panel.png') });

      // Blind labelling with the keyboard, in the real webview: three keys, three lines in the labels file,
      // and the calibration view is recomputed from them.
      const labelsFile = path.join(folder, '.prompt-adapt', 'labels', 'support.jsonl');
      const lines = () => (fs.existsSync(labelsFile) ? fs.readFileSync(labelsFile, 'utf8').split('\n').filter(Boolean) : []);
      const before = lines().length;
      await frame.locator('[data-view="calibration"]').first().click();
      const calibrationText = async () => frame.evaluate(() => document.getElementById('labels-used')?.textContent ?? '');
      const used0 = await calibrationText();
      await frame.locator('[data-view="label"]').first().click();
      // A key pressed while the last label is being saved is ignored (by design), so each key waits for what the
      // user sees: the output to label, then after the key the label in the file and the next output shown.
      const shownKey = () => frame.evaluate(() => document.querySelector('.output.blind')?.getAttribute('data-key') ?? '').catch(() => '');
      const waitUntil = async (ok) => { for (const end = Date.now() + 60_000; !(await ok()) && Date.now() < end;) await page.waitForTimeout(100); };
      await waitUntil(async () => (await shownKey()) !== '');
      for (const [k, key] of ['c', 'i', 'c'].entries()) {
        const shown = await shownKey();
        await frame.locator('#app').first().click({ position: { x: 5, y: 5 } }).catch(() => {});
        await page.keyboard.press(key);
        await waitUntil(async () => lines().length >= before + k + 1 && (await shownKey()) !== shown);
      }
      const added = lines().slice(before).map((l) => JSON.parse(l).label);
      check(added.join(',') === 'correct,incorrect,correct', `three keys appended three labels to the labels file (${added.join(',') || 'none'})`);
      await page.screenshot({ path: path.join(shots, 'labelling-panel.png') });
      await frame.locator('[data-view="calibration"]').first().click();
      let used1 = used0;
      for (const end = Date.now() + 60_000; used1 === used0 && Date.now() < end;) { await page.waitForTimeout(250); used1 = await calibrationText(); }
      check(used1 !== used0, `the calibration view updated (${used0} → ${used1})`);
    }
  }
} catch (e) {
  failures++;
  console.log('FAIL', e?.stack ?? e);
  try { await browser.contexts()[0]?.pages()[0]?.screenshot({ path: path.join(shots, 'vsix-error.png') }); } catch {}
} finally {
  await browser.close();
  try { process.kill(-server.pid, 'SIGTERM'); } catch {}
  await new Promise((r) => setTimeout(r, 1000));
  try { process.kill(-server.pid, 'SIGKILL'); } catch {}
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(`${failures ? 0 : 1} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
