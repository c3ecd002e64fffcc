// End-to-end check of `npm run demo` for CI: a cold run as on a fresh clone (no cached replies, no runs),
// (its adaptation step included), which must finish in under 2 minutes with every decision as the simulated models were designed
// (`--check`), a self-contained HTML report, then a warm re-run that the cache answers entirely.
//   node test/e2e/demo.mjs        (Node >= 22; `bash scripts/with-node.sh node test/e2e/demo.mjs` otherwise)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const EXAMPLE = path.join(ROOT, 'examples/support-qa');
const REPORT = path.join(EXAMPLE, 'report.html');
let failures = 0;
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures++; };

function demo(...args) {
  const t0 = Date.now();
  const r = spawnSync('bash', [path.join(ROOT, 'scripts/with-node.sh'), 'node', '--import', 'tsx', 'scripts/demo/demo.ts', ...args],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 300_000 });
  process.stdout.write(r.stdout ?? '');
  return { code: r.status, out: r.stdout ?? '', seconds: (Date.now() - t0) / 1000 };
}

// Cold: what a fresh clone has (the committed labels stay).
for (const p of ['runs', 'cache', 'demo-simulation.txt']) fs.rmSync(path.join(EXAMPLE, '.prompt-adapt', p), { recursive: true, force: true });
fs.rmSync(REPORT, { force: true });

const cold = demo('--check');
check(cold.code === 0, `npm run demo -- --check exits 0 (got ${cold.code})`);
check(cold.seconds < 120, `the cold demo takes under 2 minutes (${cold.seconds.toFixed(1)} s)`);
check(/Selected: sim-cheap \+ sim-fast/u.test(cold.out), 'the printed decision table ends with the designed selection');
check(/Selected: sim-verbose\.support\.style-1 /u.test(cold.out), 'after the adaptation step adopts the style variant for sim-verbose, the selection changes to it');
check(/^ok {3}no sealed question reached the rewriter \(36 sealed, [1-9]\d* rewriter requests/mu.test(cold.out), 'the cold demo asked the rewriter, and no sealed question reached it');

const html = fs.existsSync(REPORT) ? fs.readFileSync(REPORT, 'utf8') : '';
check(html.length > 0, `the HTML report is written (${path.relative(ROOT, REPORT)})`);
check(html.includes('<svg'), 'the report has its inline SVG forest plot');
check(!/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//iu.test(html) && !/@import|url\(\s*["']?(?:https?:)?\/\//iu.test(html), 'the report loads nothing from outside the file');
check(['sim-fast', 'sim-cheap', 'sim-verbose', 'sim-loose', 'sim-slow', 'sim-tiny', 'support.concise.prompt.yml'].every((s) => html.includes(s)), 'the report names every candidate and variant');

const warm = demo('--check', '--no-build');
check(warm.code === 0, `a re-run works (exit ${warm.code})`);
check(/served this time: 0 /u.test(warm.out), 'the re-run is answered from the cache (no simulated request)');
check(warm.seconds < cold.seconds, `the re-run is faster (${warm.seconds.toFixed(1)} s vs ${cold.seconds.toFixed(1)} s)`);

console.log(failures ? `\ndemo e2e: ${failures} FAILED` : '\ndemo e2e: all checks passed');
process.exit(failures ? 1 : 0);
