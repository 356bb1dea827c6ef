#!/usr/bin/env bash
# scripts/realvm/measure-agent-locking.sh [DOMAIN] — how libvirt serializes guest-agent calls on one domain, measured
# on the setup.sh guest through its sleeping fsfreeze hook. Takes ~2 min; leaves the guest thawed with hook sleep 0
# and the domain's agent timeout at libvirt's default (-2). Results: test/libvirt/README.md. Root (status XML).
# env: REALVM_URI (qemu:///system), REALVM_CONSOLE (/var/tmp/ccsnap-realvm/guest/console.log)
set -u
D=${1:-${REALVM_DOMAIN:-ccsnap-realvm}}; URI=${REALVM_URI:-qemu:///system}
CON=${REALVM_CONSOLE:-/var/tmp/ccsnap-realvm/guest/console.log}
cd "$(dirname "$0")/../.."
T0=$(date +%s%N)
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
log() { echo "[+$(ms "$T0") ms] $*"; }
ge() { node scripts/realvm/guest-exec.mjs -c "$URI" "$D" "$1" >/dev/null; }
hook_sleep() { ge "echo $1 > /run/ccsnap-hook-sleep"; }
lines() { wc -l < "$CON"; }
wait_line() { until tail -n +$(($1 + 1)) "$CON" | grep -q "$2"; do sleep 0.05; done; }
timed() { local s; s=$(date +%s%N); local out; out=$("$@" 2>&1 | tr '\n' ' '); echo "$(ms "$s") ms: $out"; }
status() { virsh -c "$URI" qemu-agent-command "$D" "$@" '{"execute":"guest-fsfreeze-status"}'; }
agent_timeout() { grep -o '<agentTimeout>[^<]*' "/run/libvirt/qemu/$D.xml" | sed 's/.*>//'; }
guest_log() { tail -n +$(($1 + 1)) "$CON" | grep 'ccsnap-' | sed 's/^/    guest: /'; }
trap 'virsh -c "$URI" domfsthaw "$D" >/dev/null 2>&1; hook_sleep 0; virsh -c "$URI" guest-agent-timeout "$D" --timeout -2' EXIT

virsh -c "$URI" guest-agent-timeout "$D" --timeout -2
log "agent timeout (status XML): $(agent_timeout)"

echo "== 1. default agent timeout, 40 s hook: a thaw and a status sent while the freeze runs"
hook_sleep 40; n=$(lines)
( log "domfsfreeze: $(timed virsh -c "$URI" domfsfreeze "$D")" ) &
wait_line "$n" 'freeze begin'
( log "domfsthaw sent behind it: $(timed virsh -c "$URI" domfsthaw "$D")" ) &
( log "status sent behind it: $(timed status)" ) &
wait
log "status: $(status)"; virsh -c "$URI" domfsthaw "$D" >/dev/null; guest_log "$n"

echo "== 2. kill -9 of the virsh client during an 8 s freeze"
hook_sleep 8; n=$(lines)
virsh -c "$URI" domfsfreeze "$D" >/dev/null 2>&1 & vp=$!
wait_line "$n" 'freeze begin'; kill -9 "$vp"; wait "$vp" 2>/dev/null; log "killed virsh"
wait_line "$n" 'freeze end'; log "status after the hook: $(status)"
virsh -c "$URI" domfsthaw "$D" >/dev/null; guest_log "$n"

echo "== 3. guest-agent-timeout 5, 20 s hook, nothing killed"
virsh -c "$URI" guest-agent-timeout "$D" --timeout 5; log "agent timeout (status XML): $(agent_timeout)"
hook_sleep 20; n=$(lines)
log "domfsfreeze: $(timed virsh -c "$URI" domfsfreeze "$D")"
log "domfsthaw right after: $(timed virsh -c "$URI" domfsthaw "$D")"
wait_line "$n" 'freeze end'; log "status after the hook: $(status)"
virsh -c "$URI" domfsthaw "$D" >/dev/null; guest_log "$n"
virsh -c "$URI" guest-agent-timeout "$D" --timeout -2

echo "== 4. per-call bound only: qemu-agent-command --timeout 5 guest-fsfreeze-freeze, 12 s hook"
hook_sleep 12; n=$(lines)
log "freeze: $(timed virsh -c "$URI" qemu-agent-command "$D" --timeout 5 '{"execute":"guest-fsfreeze-freeze"}')"
log "agent timeout (status XML) after it: $(agent_timeout)"
log "status --timeout 2 right after: $(timed status --timeout 2)"
wait_line "$n" 'freeze end'; log "status after the hook: $(status)"
virsh -c "$URI" domfsthaw "$D" >/dev/null; guest_log "$n"

echo "== 5. status with per-call --timeout 2 sent behind a running domfsfreeze (12 s hook)"
n=$(lines)
virsh -c "$URI" domfsfreeze "$D" >/dev/null 2>&1 & vp=$!
wait_line "$n" 'freeze begin'
log "status --timeout 2: $(timed status --timeout 2)"
wait "$vp"; virsh -c "$URI" domfsthaw "$D" >/dev/null; guest_log "$n"
