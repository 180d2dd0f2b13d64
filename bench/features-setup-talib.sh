#!/usr/bin/env bash
# Builds the optional peer `talib` (TA-Lib C via node-talib) for bench/features.ts.
# Why: talib@2.0.5's tarball ships macOS arm64 objects in src/lib/temp, so its own `make` says "nothing to do"
# and the link fails with "libta_abstract_csr.a: archive has no index". A clean make fixes it; node-gyp
# needs --nodedir=/usr because the Node headers cannot be downloaded here.
set -euo pipefail
export ELECTRON_SKIP_BINARY_DOWNLOAD=1 ONNXRUNTIME_NODE_INSTALL=skip
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack talib@2.0.5 >/dev/null 2>&1 && tar xzf talib-2.0.5.tgz)
rm -rf "$root/node_modules/talib"
mv "$work/package" "$root/node_modules/talib"
cd "$root/node_modules/talib"
(cd src/lib/make/csr/linux/g++ && make clean >/dev/null 2>&1 || true; rm -f ../../../../lib/*.a; make -j"$(nproc)" >/dev/null 2>&1)
npm install --no-save --ignore-scripts --no-package-lock nan >/dev/null 2>&1
gyp="$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
[ -f "$gyp" ] || gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
rm -rf build
node "$gyp" configure --nodedir="${NODEDIR:-/usr}" >/dev/null 2>&1
node "$gyp" build --nodedir="${NODEDIR:-/usr}" -j "$(nproc)" >/dev/null 2>&1
node -e "const t=require('$root/node_modules/talib'); console.log('talib ready, TA-Lib', t.version)"
