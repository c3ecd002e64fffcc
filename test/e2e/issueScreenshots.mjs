// The screenshots issue 13 asks for, after the browser tests: the panel's first tab, the results grid and the quick
// check, each light and dark. Fails when one is missing or was not written by this run (older than `since`).
//   node test/e2e/issueScreenshots.mjs [sinceEpochMs]
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const since = Number(process.argv[2] ?? 0);
const shots = ['webview/first-tab', 'webview/grid', 'quick-check/quick-check'].flatMap((s) => ['light', 'dark'].map((t) => `test-results/${s}-${t}.png`));
let bad = 0;
for (const rel of shots) {
  const file = path.join(ROOT, rel);
  const st = fs.existsSync(file) ? fs.statSync(file) : undefined;
  const ok = st !== undefined && st.size > 1000 && st.mtimeMs >= since;
  if (!ok) bad++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${rel}${st ? ` (${Math.round(st.size / 1024)} KB)` : ' missing'}${st && st.mtimeMs < since ? ' — not written by this run' : ''}`);
}
if (bad) { console.error(`${bad} of ${shots.length} screenshots missing or stale`); process.exit(1); }
console.log(`all ${shots.length} screenshots of the first tab, the grid and the quick check (light and dark) are in test-results/`);
