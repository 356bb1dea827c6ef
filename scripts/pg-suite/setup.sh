#!/usr/bin/env bash
# Installs what the PostgreSQL suite (npm run test:pg) needs on Debian 12: Debian's postgresql (its server
# binaries under /usr/lib/postgresql/*/bin and the `postgres` system user). Run as root (CI does, in .ci/run);
# a no-op when the server is present. The suite never uses the cluster the package may start: it initialises
# a throwaway one of its own (scripts/pg-suite/cluster.mjs). Prints the version.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

have_server() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }

if ! have_server; then
  echo "installing: postgresql"
  as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
  as_root apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends postgresql >/dev/null
fi
bin=$(dirname "$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -1)")
"$bin/postgres" --version
