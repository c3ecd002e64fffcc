import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
// @ts-expect-error -- a build script (plain ESM JavaScript, no type declarations)
import { thirdPartyNotices } from '../../../scripts/thirdPartyNotices.mjs';

const ROOT = path.join(__dirname, '../../..');

/** Bundles `entry` as the build does (bundle, tree-shaken) into memory and returns esbuild's metafile. */
async function metafileOf(entry: string, platform: 'node' | 'browser'): Promise<esbuild.Metafile> {
  const r = await esbuild.build({ absWorkingDir: ROOT, entryPoints: [entry], bundle: true, platform, format: platform === 'node' ? 'cjs' : 'iife', write: false,
    metafile: true, outdir: 'dist/notices-test', external: ['vscode'], logLevel: 'silent', mainFields: platform === 'node' ? ['module', 'main'] : undefined });
  return r.metafile;
}

suite('third-party notices', function () {
  this.timeout(120_000);

  test('list every package the bundles contain, with its licence text; jsdiff\'s BSD notice travels with it', async () => {
    const metafiles = await Promise.all([metafileOf('src/extension.ts', 'node'), metafileOf('src/cli/main.ts', 'node'), metafileOf('webview/main.ts', 'browser')]);
    const text: string = thirdPartyNotices(metafiles, ROOT);
    // Independently of the generator: every package folder that put bytes into an output, by its package.json.
    const dirs = new Set<string>();
    for (const m of metafiles) for (const out of Object.values(m.outputs)) for (const [input, x] of Object.entries(out.inputs)) {
      const hit = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (hit && x.bytesInOutput > 0) dirs.add(hit[1]!);
    }
    assert.ok(dirs.size >= 20, `${dirs.size} packages`);
    const headers = new Set([...text.matchAll(/^(\S+@\S+) — /gm)].map((m) => m[1]));
    for (const dir of dirs) {
      const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')) as { name: string; version: string };
      assert.ok(headers.has(`${pkg.name}@${pkg.version}`), `${pkg.name}@${pkg.version} (${dir}) is not listed`);
    }
    assert.match(text, /^diff@\S+ — BSD-3-Clause/m);
    assert.ok(text.includes(fs.readFileSync(path.join(ROOT, 'node_modules/diff/LICENSE'), 'utf8').trim()), 'jsdiff\'s licence text, word for word');
    assert.match(text, /^@vscode\/webview-ui-toolkit@\S+ — MIT/m);
    // Nothing that is not bundled: a dev-only tool stays out.
    assert.doesNotMatch(text, /^(mocha|typescript|eslint)@/m);
  });

  test('the build writes it and the package lets it in', () => {
    assert.match(fs.readFileSync(path.join(ROOT, 'esbuild.mjs'), 'utf8'), /^ {2}writeThirdPartyNotices\(results\.map\(\(r\) => r\.metafile\), 'dist\/ThirdPartyNotices\.txt'\);$/m);
    assert.ok(fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8').split('\n').includes('!dist/ThirdPartyNotices.txt'));
  });
});
