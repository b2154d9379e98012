#!/usr/bin/env bash
# System packages for the real-browser tests of report.html (tests/test_browser.py):
# Debian's headless-capable Chromium and the Noto CJK fonts (Chinese text in the
# report and in the charts). Non-interactive; safe to run again.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null; then
  echo "install-browser: chromium and fonts-noto-cjk already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y chromium fonts-noto-cjk
chromium --version || true
