#!/usr/bin/env bash
# Installs what the daemon suite (npm run test:daemon) needs on Debian 12: Debian's Prometheus server and
# headless Chromium. Run as root (CI does, in .ci/run); a no-op when both are present. Prints the versions.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

missing=()
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# Chromium draws text with whatever fonts exist; DejaVu makes the screenshot readable on a bare machine.
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)

if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
  # --no-install-recommends: the prometheus package alone, not its exporters; chromium without its extras.
  as_root apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian package starts a prometheus service on :9090 where systemd runs; the suite starts its own on
# a free loopback port and never talks to that one.
prometheus --version 2>&1 | head -1
chromium --version 2>/dev/null || chromium --headless=new --version
