#!/usr/bin/env bash
# Installs Debian's Chromium for the playground's end-to-end test (playwright-core drives it via
# executablePath /usr/bin/chromium; no browser download from a CDN, which CI cannot reach).
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "install-chromium: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) already installed"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-chromium: needs root (apt-get); skipping" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
