// The same integration suites under @vscode/test-electron, for machines that can download VS Code
// (a desktop with internet). Offline — this project's CI — `npm test` runs them in code-server instead
// (scripts/run-vscode-tests.mjs). Usage: node esbuild.mjs --tests && node --import tsx test/integration/runTest.ts
import path from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  await runTests({
    version: process.env.VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out/test/integration/suite/index.js'),
    launchArgs: [path.join(root, 'test/integration/workspace'), '--disable-extensions'],
    extensionTestsEnv: { AWS_EC2_METADATA_DISABLED: 'true' },
  });
}

main().catch((err) => { console.error(err); process.exit(1); });
