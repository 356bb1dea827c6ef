#!/usr/bin/env bash
# Runs the real-clients suite: Debian's openstack, nova and cinder CLIs against the ccsnap sandbox.
# Installs the clients first when they are missing (needs root or sudo for apt).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-openstack-clients.sh
exec npx vitest run --config vitest.realclients.config.ts "$@"
