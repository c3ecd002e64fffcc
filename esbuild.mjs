// One build script, three shipped bundles (extension, CLI, webview) plus the integration-test bundle.
//   node esbuild.mjs [--production] [--watch] [--tests] [--sizes-only]   (--sizes-only: build in memory, print the sizes, write nothing)
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { cliLauncher } from './scripts/cliLauncher.mjs';
import { writeThirdPartyNotices } from './scripts/thirdPartyNotices.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const withTests = process.argv.includes('--tests');
const sizesOnly = process.argv.includes('--sizes-only');
/** The extension's main bundle as the .vsix ships it (production build) may not exceed 1.5 MB: activation loads all of it. */
const MAIN_BUNDLE_LIMIT = 1.5 * 1024 * 1024;

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

/**
 * The model SDKs load only when a model is first called, from bundles of their own, so the extension's main bundle
 * stays small (≤ 1.5 MB, checked below) and activation never parses them. Each gateway module's dynamic
 * `import('<package>')` becomes a load of `dist/<bundle>.js`, which holds the packages of one gateway (one copy of
 * the code they share) under one key each.
 */
const lazySdks = [
  { bundle: 'openaiSdk', gateway: path.join('core', 'providers', 'openai.ts'), packages: { openai: 'openai' } },
  {
    bundle: 'bedrockSdk', gateway: path.join('core', 'providers', 'bedrock.ts'),
    packages: { runtime: '@aws-sdk/client-bedrock-runtime', httpHandler: '@smithy/node-http-handler', credentials: '@aws-sdk/credential-providers' },
  },
];
const lazySdksApart = {
  name: 'lazy-sdks-apart',
  setup(build) {
    for (const { bundle, gateway, packages } of lazySdks) {
      for (const [key, pkg] of Object.entries(packages)) {
        const filter = new RegExp(`^${pkg.replace(/[.]/g, '\\.')}$`);
        build.onResolve({ filter }, (args) => args.importer.endsWith(gateway) && args.kind === 'dynamic-import'
          ? { path: `${bundle}:${key}`, namespace: 'lazy-sdk' } : undefined);
      }
    }
    build.onResolve({ filter: /^\.\/\w+Sdk\.js$/ }, (args) => args.namespace === 'lazy-sdk' ? { path: args.path, external: true } : undefined);
    // The package's module namespace as its own module (marked ES so the importer sees `default` as the package's).
    build.onLoad({ filter: /.*/, namespace: 'lazy-sdk' }, (args) => {
      const [bundle, key] = args.path.split(':');
      return { contents: `module.exports = Object.assign(Object.defineProperty({}, '__esModule', { value: true }), require('./${bundle}.js').${key});`, loader: 'js' };
    });
  },
};
/** A lazy SDK bundle's entry: each package's namespace under its key. */
const lazySdkEntry = ({ packages }) => ({
  contents: Object.entries(packages).map(([key, pkg]) => `export * as ${key} from '${pkg}';`).join('\n'), resolveDir: '.', loader: 'js',
});
const apart = [...node.plugins, batchSdksApart, lazySdksApart];

const bundles = [
  { ...node, plugins: apart, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // The CLI proper; dist/cli.js (written below) is the executable that loads it.
  { ...node, plugins: apart, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cliMain.js', external: [] },
  ...lazySdks.map((sdk) => ({ ...node, stdin: lazySdkEntry(sdk), outfile: `dist/${sdk.bundle}.js`, external: [] })),
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
if (!sizesOnly) writeCliLauncher();

const contexts = await Promise.all(bundles.map((b) => esbuild.context({ ...b, metafile: true, write: !sizesOnly })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else if (sizesOnly) {
  const results = await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  reportSizes(results);
} else {
  const results = await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  fs.copyFileSync('webview/main.css', 'dist/webview/main.css');
  fs.copyFileSync('webview/quickCheck/quickCheck.css', 'dist/webview/quickCheck.css');
  writeThirdPartyNotices(results.map((r) => r.metafile), 'dist/ThirdPartyNotices.txt');
  reportSizes(results);
}

/**
 * Prints each shipped bundle's size. A production build (the one `npm run package` runs as its prepublish step) fails
 * when the extension's main bundle is over the limit.
 */
function reportSizes(results) {
  const sizes = new Map(results.flatMap((r) => Object.entries(r.metafile.outputs)).filter(([file]) => !file.endsWith('.map') && !file.startsWith('out/'))
    .map(([file, out]) => [file, out.bytes]));
  for (const [file, bytes] of sizes) console.log(`${file.padEnd(28)} ${(bytes / 1024).toFixed(0).padStart(6)} KB`);
  if (!production) return;
  const bytes = sizes.get('dist/extension.js') ?? 0;
  const limit = `${(MAIN_BUNDLE_LIMIT / 1024).toFixed(0)} KB`;
  if (bytes <= MAIN_BUNDLE_LIMIT) {
    console.log(`main bundle ${(bytes / 1024).toFixed(0)} KB of at most ${limit}`);
    return;
  }
  console.error(`✘ dist/extension.js is ${(bytes / 1024).toFixed(0)} KB, over the ${limit} limit: load what activation does not need `
    + 'from a bundle of its own (see lazySdks), or find what grew with `esbuild --metafile`.');
  process.exitCode = 1;
}
