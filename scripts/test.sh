#!/usr/bin/env bash
# The test command (README, CI): build, typecheck, boundary lint, vitest, Playwright e2e in Debian Chromium,
# then one closing line `N passed, N failed` computed from the JSON reports.
set -uo pipefail
cd "$(dirname "$0")/.."
export ELECTRON_SKIP_BINARY_DOWNLOAD=1 ONNXRUNTIME_NODE_INSTALL=skip
mkdir -p reports
rm -f reports/vitest.json reports/playwright.json

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Debian chromium for the e2e tests"
    (apt-get update -qq && apt-get install -y -qq chromium) >reports/apt.log 2>&1 || echo "chromium install failed: see reports/apt.log"
  else
    echo "Chromium not found at ${CHROMIUM_PATH:-/usr/bin/chromium}: install it (apt-get install chromium) or set CHROMIUM_PATH"
  fi
fi

echo "== build";     npm run -s build >reports/build.log 2>&1;  build=$?;  tail -3 reports/build.log
echo "== typecheck"; npm run -s typecheck;                      types=$?
echo "== lint";      npm run -s lint;                           lint=$?
echo "== unit tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest.json
echo "== e2e tests (Playwright, Chromium, web mode)"
if [ "$build" = 0 ]; then
  PLAYWRIGHT_JSON_OUTPUT_NAME=reports/playwright.json npx playwright test --reporter=list,json
else
  echo "skipped: the build failed"
fi
echo "== summary"
node scripts/summarize-tests.mjs "check=build:$build" "check=typecheck:$types" "check=lint:$lint" vitest=reports/vitest.json playwright=reports/playwright.json
