#!/usr/bin/env bash
# Completes the desktop shell on a machine with internet: downloads the Electron binary and builds an
# Electron-ABI better-sqlite3 kept beside the Node one (node_modules/better-sqlite3/build-electron/), so the
# CLI and tests (Node) and the window (Electron) each load their own binary — chosen at runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
node node_modules/electron/install.js
sqlite=node_modules/better-sqlite3
cp "$sqlite/build/Release/better_sqlite3.node" /tmp/better_sqlite3.node.node-abi
# The empty nodedir matters: with a machine-wide nodedir=/usr it silently builds for Node instead.
npm_config_nodedir= npx --yes @electron/rebuild -f -w better-sqlite3
mkdir -p "$sqlite/build-electron"
cp "$sqlite/build/Release/better_sqlite3.node" "$sqlite/build-electron/better_sqlite3.node"
cp /tmp/better_sqlite3.node.node-abi "$sqlite/build/Release/better_sqlite3.node"
echo "desktop shell ready: npm start opens the window"
