// The text of dist/cli.js, the `prompt-adapt` executable (esbuild.mjs writes it; bench/run.ts measures its start-up).
// It turns on Node's on-disk compile cache before loading the CLI bundle, so from the second start on the bundle is
// not compiled again. A 4 MB young generation keeps long runs' peak RSS low at no CPU cost; `env -S` passes the flag
// (GNU coreutils >= 8.30, macOS). NODE_COMPILE_CACHE moves the cache, NODE_DISABLE_COMPILE_CACHE=1 turns it off.
export function cliLauncher(mainFile = './cliMain.js') {
  return [
    '#!/usr/bin/env -S node --max-semi-space-size=4',
    "'use strict';",
    "try { require('node:module').enableCompileCache?.(); } catch { /* no cache directory: start without it */ }",
    `require(${JSON.stringify(mainFile)}).start();`,
    ''].join('\n');
}
