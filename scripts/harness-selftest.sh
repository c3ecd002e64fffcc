#!/usr/bin/env bash
# Proves the integration harness cannot pass vacuously: each self-test suite must make it exit 1.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
fails=0
for suite in failing empty silent; do
  node "$ROOT/scripts/run-vscode-tests.mjs" --extensionDevelopmentPath "$ROOT" \
    --extensionTestsPath "$ROOT/test/integration/harness-selftest/$suite.js" --timeout 300 >/tmp/pa-selftest-$suite.log 2>&1
  code=$?
  if [ "$code" = 1 ]; then echo "harness self-test '$suite': exit 1 as expected"; else echo "harness self-test '$suite': exit $code, expected 1"; tail -20 /tmp/pa-selftest-$suite.log; fails=1; fi
done
exit $fails
