#!/usr/bin/env bash
# Builds llama.cpp's `llama-server` once into .tools/llama-server, from the llama.cpp source that the npm package
# node-llama-cpp ships (llama/gitRelease.bundle), so nothing is downloaded from outside the npm registry. Also
# keeps the source's gguf-py (llama.cpp's own GGUF writer) for making tiny test models. About 15-25 minutes on
# two cores; a second call returns at once.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TOOLS="${PROMPT_ADAPT_TOOLS:-$ROOT/.tools}"
VERSION="${NODE_LLAMA_CPP_VERSION:-3.22.1}"
OUT="$TOOLS/llama-server"
if [ -x "$OUT/bin/llama-server" ] && [ "$(cat "$OUT/version" 2>/dev/null)" = "$VERSION" ]; then echo "llama-server: $OUT/bin/llama-server (node-llama-cpp $VERSION)"; exit 0; fi
command -v cmake >/dev/null && command -v g++ >/dev/null || { echo "llama-server: needs cmake and g++ (apt-get install cmake build-essential)" >&2; exit 1; }
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
echo "llama-server: unpacking llama.cpp from node-llama-cpp@$VERSION" >&2
(cd "$work" && npm pack --silent "node-llama-cpp@$VERSION" >/dev/null && tar xzf node-llama-cpp-*.tgz package/llama/gitRelease.bundle)
git clone -q "$work/package/llama/gitRelease.bundle" "$work/src" 2>/dev/null
echo "llama-server: building (CPU only, static; this takes a while)" >&2
cmake -S "$work/src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DGGML_NATIVE=OFF -DBUILD_SHARED_LIBS=OFF \
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_TOOLS=ON >"$work/cmake.log" 2>&1 || { tail -30 "$work/cmake.log" >&2; exit 1; }
cmake --build "$work/build" --target llama-server -j "$(nproc)" >"$work/build.log" 2>&1 || { tail -40 "$work/build.log" >&2; exit 1; }
rm -rf "$OUT" && mkdir -p "$OUT/bin"
cp "$work/build/bin/llama-server" "$OUT/bin/"
cp -r "$work/src/gguf-py" "$OUT/gguf-py"
echo "$VERSION" > "$OUT/version"
echo "llama-server: $OUT/bin/llama-server (node-llama-cpp $VERSION)"
