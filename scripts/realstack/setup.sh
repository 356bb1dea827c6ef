#!/usr/bin/env bash
# scripts/realstack/setup.sh [WORKDIR] — the real stack for `npm run test:realstack` (root; Debian 12).
#
# On 127.0.0.1 only: RabbitMQ, Keystone, Placement, Glance, Nova (api, conductor, scheduler, compute with
# the fake virt driver + the suite's power bridge), Cinder (api, scheduler, volume with a fake driver), an
# empty Neutron stand-in; a flavor, an image, volume type cb-ssd, a boot-from-volume instance and a data
# volume attached to it; the sandbox ElastiCenter array (`ccsnap sandbox serve`, file-backed) holding one
# ext4 image per real volume; and a real libvirt/QEMU guest named like the instance whose disks are those
# images. Writes WORKDIR/clouds.yaml and WORKDIR/ccsnap.yaml.
#
# stdout: only REALSTACK_*=value lines (also in WORKDIR/realstack.env); stderr: progress.
# WORKDIR/timings.tsv: one "setup:<phase><TAB>ms" line per phase. Each phase is retried once; a second
# failure stops setup with the phase's name and its last log lines (full logs in WORKDIR/log/).
# Idempotent. Undo with scripts/realstack/teardown.sh WORKDIR (it stops only what this started).
set -euo pipefail
export RS_WORK=$(mkdir -p "${1:-/var/tmp/ccsnap-realstack}" && cd "${1:-/var/tmp/ccsnap-realstack}" && pwd)
. "$(dirname "$0")/common.sh"
. "$RS_HERE/services.sh"
. "$RS_HERE/guest.sh"
[ "$(id -u)" = 0 ] || die "must run as root (apt-get, libvirtd, qemu:///system)"
cd "$RS_REPO"
T_SETUP=$(rs_now_ms)
: >"$RS_WORK/timings.tsv"

# phase NAME FUNCTION [ARGS]: run in a subshell with errexit, output to log/setup-NAME.log; retry once
phase() {
  local name=$1 attempt rc t0; shift
  t0=$(rs_now_ms)
  for attempt in 1 2; do
    log "phase $name (attempt $attempt)"
    set +e; ( set -e; "$@" ) >>"$RS_LOG/setup-$name.log" 2>&1; rc=$?; set -e
    if [ $rc = 0 ]; then
      printf 'setup:%s\t%d\n' "$name" $(( $(rs_now_ms) - t0 )) >>"$RS_WORK/timings.tsv"
      return 0
    fi
    log "phase $name failed (exit $rc, attempt $attempt); last lines of $RS_LOG/setup-$name.log:"
    tail -n 12 "$RS_LOG/setup-$name.log" | sed 's/^/    /' >&2
  done
  echo "REALSTACK_FAILED=$name" >"$RS_WORK/realstack.env"
  die "setup failed in phase '$name' after 2 attempts (log: $RS_LOG/setup-$name.log)"
}

OS_PKGS="keystone glance-api placement-api nova-api nova-conductor nova-scheduler cinder-api cinder-scheduler
  rabbitmq-server uwsgi-core uwsgi-plugin-python3 python3-openstackclient sqlite3 curl"
VM_PKGS="libvirt-daemon libvirt-clients qemu-system-x86 qemu-utils qemu-guest-agent e2fsprogs"
do_packages() {
  local missing
  missing=$(for p in $OS_PKGS $VM_PKGS; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"; done)
  [ -n "$missing" ] || { echo "all packages present"; return 0; }
  # Debian's policy-rc.d (exit 101) keeps the packaged services from starting (they would bind 0.0.0.0)
  [ -x /usr/sbin/policy-rc.d ] || echo "WARNING: no /usr/sbin/policy-rc.d: packaged services may start on install"
  apt-get -o DPkg::Lock::Timeout=600 -q update
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3 -y -q \
    --no-install-recommends install $missing
}

do_build() {
  [ -f dist/cli/main.js ] && [ -f dist/sandbox/array/filesystems.js ] || npm run -s build
}

do_resources() {
  admin_env
  "$RS_PY" "$RS_HERE/py/resources.py" >"$RS_WORK/resources.json.tmp"
  mv "$RS_WORK/resources.json.tmp" "$RS_WORK/resources.json"
}

res() { node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); console.log(r[process.argv[2]])' "$RS_WORK/resources.json" "$1"; }

do_array() {
  local a=$RS_WORK/array boot data
  boot=$(res boot_volume_id); data=$(res data_volume_id)
  mkdir -p "$a"
  if ! rs_ours sandbox; then
    node "$RS_HERE/array-state.mjs" --state "$a/state.json" --data-dir "$a/data" --key-file "$a/api-key" \
      --volume "$boot:boot:1" --volume "$data:data:1" >"$a/filesystems.json"
  fi
  start_bg sandbox node "$RS_REPO/bin/ccsnap.js" sandbox serve --state "$a/state.json" --data-dir "$a/data" --port 0
  local url=''
  for _ in $(seq 1 100); do
    url=$(node -e 'try{const i=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));process.kill(i.pid,0);console.log(i.url)}catch{}' "$a/server.json")
    [ -n "$url" ] && break
    rs_ours sandbox || { tail -20 "$RS_LOG/sandbox.log"; return 1; }
    sleep 0.1
  done
  [ -n "$url" ] || { echo "sandbox did not write $a/server.json"; return 1; }
  curl -sf -o /dev/null "$url/client/api?command=listFileSystem&response=json&apiKey=$(cat "$a/api-key")"
  echo "$url" >"$a/url"
}

img_of() { node -e 'const f=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).filesystems; console.log(f[process.argv[2]].imagePath)' "$RS_WORK/array/filesystems.json" "$1"; }

do_guest() {
  [ -s "$RS_GUEST/realvm.env" ] || guest_base
  guest_define "$(res instance_name)" "$(img_of "$(res data_volume_id)")" "$(img_of "$(res boot_volume_id)")"
  guest_check "$(res instance_name)" "$(res data_volume_id)" "$(res boot_volume_id)"
}

do_configs() {
  local url; url=$(cat "$RS_WORK/array/url")
  # a fresh ccsnap journal for every run (a kept stack must not carry a failed run's locks into the next)
  rm -rf "$RS_WORK/ccsnap"; mkdir -p "$RS_WORK/ccsnap"
  cat >"$RS_WORK/clouds.yaml" <<EOF
clouds:
  realstack:
    auth:
      auth_url: http://$RS_HOST:$RS_KEYSTONE_PORT/v3
      username: admin
      password: $RS_ADMIN_PASS
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: $RS_REGION
    interface: public
    identity_api_version: 3
EOF
  cat >"$RS_WORK/ccsnap.yaml" <<EOF
# ccsnap config for the realstack suite (schema: src/config.ts)
clouds:
  realstack:
    arrays:
      - name: realstack-array
        url: $url/client/api
        api_key_file: $RS_WORK/array/api-key
        volume_rule: { type_prefix: cb- }
        rollback: newest-only
    hypervisor:
      uri: $RS_LIBVIRT_URI
      session: persistent
    journal: $RS_WORK/ccsnap/journal.db
EOF
  chmod 600 "$RS_WORK/clouds.yaml"
}

phase packages  do_packages
phase build     do_build
# the libvirt side (realvm: libvirtd, kernel, initramfs, probe boot) runs while OpenStack comes up
( set +e; guest_base >>"$RS_LOG/setup-guest-base.log" 2>&1 || rm -f "$RS_GUEST/realvm.env" ) &
GUEST_BASE_PID=$!
phase rabbitmq  svc_rabbitmq
phase keystone  svc_keystone
phase register  svc_register
phase placement svc_placement
phase glance    svc_glance
phase nova      svc_nova
phase cinder    svc_cinder
phase resources do_resources
phase array     do_array
wait "$GUEST_BASE_PID" || true
phase guest     do_guest
phase configs   do_configs

SETUP_MS=$(( $(rs_now_ms) - T_SETUP ))
printf 'setup:total\t%d\n' "$SETUP_MS" >>"$RS_WORK/timings.tsv"
{
  echo "REALSTACK_WORK=$RS_WORK"
  echo "REALSTACK_CLOUD=realstack"
  echo "REALSTACK_CLOUDS_YAML=$RS_WORK/clouds.yaml"
  echo "REALSTACK_CONFIG=$RS_WORK/ccsnap.yaml"
  echo "REALSTACK_JOURNAL=$RS_WORK/ccsnap/journal.db"
  echo "REALSTACK_SANDBOX_URL=$(cat "$RS_WORK/array/url")"
  echo "REALSTACK_ARRAY_DATA=$RS_WORK/array/data"
  echo "REALSTACK_SERVER_ID=$(res server_id)"
  echo "REALSTACK_SERVER_NAME=$(res server_name)"
  echo "REALSTACK_DOMAIN=$(res instance_name)"
  echo "REALSTACK_HOST=$(res host)"
  echo "REALSTACK_BOOT_VOLUME=$(res boot_volume_id)"
  echo "REALSTACK_DATA_VOLUME=$(res data_volume_id)"
  echo "REALSTACK_BOOT_IMAGE=$(img_of "$(res boot_volume_id)")"
  echo "REALSTACK_DATA_IMAGE=$(img_of "$(res data_volume_id)")"
  echo "REALSTACK_LIBVIRT_URI=$RS_LIBVIRT_URI"
  echo "REALSTACK_GUEST_CONSOLE=$RS_GUEST/console.log"
  echo "REALSTACK_BRIDGE_LOG=$RS_LOG/power-bridge.log"
  echo "REALSTACK_SETUP_MS=$SETUP_MS"
} | tee "$RS_WORK/realstack.env"
log "realstack up in $(( SETUP_MS / 1000 )) s"
