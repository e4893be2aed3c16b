#!/usr/bin/env bash
# Installs what the e2e tests need: Debian's chromium (apt), node, curl, and playwright-core (npm, the exact
# version pinned in e2e/browser/package.json, no lock file). Idempotent: skips what is already there.
# Playwright never downloads a browser here: the test drives /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if [ -x /usr/bin/chromium ]; then
  echo "browser.sh: chromium already installed"
else
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
  # node and npm for the browser test; curl because the e2e demo test runs the demo's printed curl commands
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends nodejs npm curl
fi

want="$(node -p 'require("./e2e/browser/package.json").dependencies["playwright-core"]')"
have="$(node -p 'try { require("./e2e/browser/node_modules/playwright-core/package.json").version } catch (e) { "" }')"
if [ "$have" = "$want" ]; then
  echo "browser.sh: playwright-core $have already installed"
else
  (cd e2e/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-package-lock --no-audit --no-fund)
fi

/usr/bin/chromium --version
node --version
echo "browser.sh: playwright-core $(node -p 'require("./e2e/browser/node_modules/playwright-core/package.json").version')"
