// `npm run bench` (first part): the shipped bundles' sizes, built as `npm run package` builds them (esbuild.mjs
// --production, in memory: dist/ is left as it is), and the main bundle's 1.5 MB limit (the build fails over it).
//   node --import tsx bench/bundles.ts
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const r = spawnSync(process.execPath, [path.join(root, 'esbuild.mjs'), '--production', '--sizes-only'], { cwd: root, encoding: 'utf8' });
console.log('bundles as the .vsix ships them (production build; the model and batch SDKs load from their own bundles on first use)');
for (const line of `${r.stdout}${r.stderr}`.trim().split('\n')) console.log(`  ${line}`);
if (r.status !== 0) {
  console.error('  FAILED: the production build failed (see above)');
  process.exitCode = 1;
}
