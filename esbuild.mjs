// One build script, three shipped bundles (extension, CLI, webview) plus the integration-test bundle.
//   node esbuild.mjs [--production] [--watch] [--tests] [--metafile]
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { cliLauncher } from './scripts/cliLauncher.mjs';
import { writeThirdPartyNotices } from './scripts/thirdPartyNotices.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const withTests = process.argv.includes('--tests');

/** Prints errors in the format of the `$esbuild-watch` problem matcher. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => { if (watch) console.log('[watch] build started'); });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

const node = {
  bundle: true, platform: 'node', format: 'cjs', target: 'node22',
  // keepNames only in development: no code of ours reads constructor.name (errors are told apart by
  // instanceof / err.name), and in production it costs ~90 KB of the extension bundle.
  minify: production, sourcemap: 'linked', sourcesContent: false, keepNames: !production, legalComments: production ? 'none' : 'inline',
  mainFields: ['module', 'main'], logLevel: 'warning', plugins: [problemMatcher],
  logOverride: { 'import-is-undefined': 'error' },
};

/**
 * FAST Foundation (under @vscode/webview-ui-toolkit) probes for :focus-visible at module load by inserting a <style>
 * element; the panel's CSP (style-src: the bundle's origin only, no 'unsafe-inline') blocks it and reports a
 * violation. Every Chromium that runs VS Code webviews has :focus-visible, so the module gets its answer instead.
 */
const noFocusVisibleProbe = {
  name: 'no-focus-visible-probe',
  setup(build) {
    build.onLoad({ filter: /[\\/]@microsoft[\\/]fast-foundation[\\/]dist[\\/]esm[\\/]utilities[\\/]style[\\/]focus\.js$/ },
      () => ({ contents: 'export const focusVisible = "focus-visible";', loader: 'js' }));
  },
};

/**
 * @aws-sdk/core re-exports its browser user-agent helper, which imports `bowser` (a browser UA parser, ~35 KB)
 * into Node bundles where it is never called. The Node bundles get a stub that fails loudly if it ever is.
 */
const noBrowserUserAgentParser = {
  name: 'no-browser-user-agent-parser',
  setup(build) {
    build.onResolve({ filter: /^bowser$/ }, () => ({ path: 'bowser', namespace: 'browser-only' }));
    build.onLoad({ filter: /.*/, namespace: 'browser-only' }, () => ({
      contents: 'export default { parse() { throw new Error("bowser (browser user agents) is not bundled for Node"); } };', loader: 'js' }));
  },
};
node.plugins = [...node.plugins, noBrowserUserAgentParser];

/** The batch SDKs stay out of the extension and CLI bundles: their one import becomes a load of dist/bedrockBatchApi.js. */
const batchSdksApart = {
  name: 'batch-sdks-apart',
  setup(build) {
    build.onResolve({ filter: /\/providers\/bedrockBatchApi$/ }, (args) =>
      args.importer.endsWith(path.join('core', 'batch', 'backends.ts')) ? { path: './bedrockBatchApi.js', external: true } : undefined);
  },
};

const bundles = [
  { ...node, plugins: [...node.plugins, batchSdksApart], entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // The CLI proper; dist/cli.js (written below) is the executable that loads it.
  { ...node, plugins: [...node.plugins, batchSdksApart], entryPoints: ['src/cli/main.ts'], outfile: 'dist/cliMain.js', external: [] },
  // The batch SDKs (S3 and the Bedrock control plane) in their own file, loaded on first Bedrock batch use.
  { ...node, entryPoints: ['src/core/providers/bedrockBatchApi.ts'], outfile: 'dist/bedrockBatchApi.js', external: [] },
  // The SIMULATED model server of the bundled example, started by the walkthrough in its own process.
  { ...node, entryPoints: ['scripts/demo/simulatedModelServer.ts'], outfile: 'dist/simulatedModelServer.js', external: [] },
  {
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: production, sourcemap: 'linked',
    sourcesContent: false, logLevel: 'warning', plugins: [problemMatcher, noFocusVisibleProbe],
    entryPoints: ['webview/main.ts'], outfile: 'dist/webview/main.js',
  },
  // The quick side-by-side check's own view (no UI toolkit: a form and columns of text).
  {
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: production, sourcemap: 'linked',
    sourcesContent: false, logLevel: 'warning', plugins: [problemMatcher], entryPoints: ['webview/quickCheck/main.ts'], outfile: 'dist/webview/quickCheck.js',
  },
];
if (withTests) {
  // Integration suites run inside the extension host: `vscode` comes from the host, mocha from node_modules.
  for (const dir of ['suite', 'untrusted', 'example']) {
    const entries = fs.readdirSync(`test/integration/${dir}`).filter((f) => f.endsWith('.ts')).map((f) => path.join(`test/integration/${dir}`, f));
    bundles.push({ ...node, minify: false, entryPoints: entries, outdir: `out/test/integration/${dir}`, external: ['vscode', 'mocha'] });
  }
}

/** dist/cli.js: the executable that turns on the compile cache and loads dist/cliMain.js (scripts/cliLauncher.mjs). */
function writeCliLauncher() {
  fs.mkdirSync('dist', { recursive: true });
  fs.writeFileSync('dist/cli.js', cliLauncher());
  fs.chmodSync('dist/cli.js', 0o755);
}
writeCliLauncher();

const contexts = await Promise.all(bundles.map((b) => esbuild.context({ ...b, metafile: true })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  const results = await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  fs.copyFileSync('webview/main.css', 'dist/webview/main.css');
  fs.copyFileSync('webview/quickCheck/quickCheck.css', 'dist/webview/quickCheck.css');
  writeThirdPartyNotices(results.map((r) => r.metafile), 'dist/ThirdPartyNotices.txt');
  for (const r of results) {
    for (const [file, out] of Object.entries(r.metafile.outputs)) {
      if (!file.endsWith('.map') && !file.startsWith('out/')) console.log(`${file.padEnd(28)} ${(out.bytes / 1024).toFixed(0).padStart(6)} KB`);
    }
  }
}
