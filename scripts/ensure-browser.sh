#!/usr/bin/env bash
# The browser tests drive Debian's Chromium with the Noto CJK fonts (no downloaded browser).
# Installs them when missing and this user may (root or passwordless sudo); otherwise says how.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "Browser tests need: ${missing[*]} (apt-get install ${missing[*]}); they will be skipped." >&2
  exit 0
fi
echo "Installing ${missing[*]} for the browser tests…"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
