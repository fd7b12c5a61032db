#!/usr/bin/env bash
# Installs Debian's Chromium for the headless-browser test of the HTML report
# (test/unit/adapters/render/html/page.browser.test.ts). Idempotent: does nothing when the browser is already there.
# `npx playwright install` cannot download its own browser here, so we use the distribution's package.
# Needs root (CI runs as root); `sudo bash scripts/install-chromium.sh` on a developer machine.
set -euo pipefail

# The path of Debian's package; the test also honours CHROMIUM_PATH for a browser installed elsewhere.
CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  echo "install-chromium: $CHROMIUM is already installed ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))" >&2
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: apt-get not found; install Chromium with your package manager and set CHROMIUM_PATH" >&2
  exit 1
fi

echo "install-chromium: installing chromium with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update
# fonts-dejavu-core: the report's system-ui font stack falls back to DejaVu Sans; without any font
# package Chromium renders boxes instead of glyphs in the screenshot.
apt-get install -y --no-install-recommends chromium fonts-dejavu-core
"$CHROMIUM" --version >&2
