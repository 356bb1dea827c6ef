#!/usr/bin/env bash
# Installs Debian's OpenStack command-line clients (openstack, nova, cinder) for the real-clients
# test suite (npm run test:clients). Idempotent: does nothing when they are already installed.
# Runs `apt-get update` once, then one `apt-get install`. Needs root (or sudo).
set -euo pipefail

PACKAGES=(python3-openstackclient python3-novaclient python3-cinderclient)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-openstack-clients: all present (${PACKAGES[*]})"
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else
    echo "install-openstack-clients: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
fi

if [ ! -e /usr/sbin/policy-rc.d ]; then
  echo "install-openstack-clients: warning: /usr/sbin/policy-rc.d is missing; packaged services may try to start" >&2
fi

echo "install-openstack-clients: installing ${missing[*]}"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 update -q
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "${missing[@]}"

for bin in openstack nova cinder; do
  command -v "$bin" >/dev/null 2>&1 || { echo "install-openstack-clients: $bin not on PATH after install" >&2; exit 1; }
done
echo "install-openstack-clients: done"
