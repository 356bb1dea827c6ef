#!/usr/bin/env bash
# scripts/realstack/teardown.sh [WORKDIR] [--purge] — undo setup.sh; always safe to run (also after a
# failed or partial setup). Stops only what setup recorded: the instance's libvirt domain (by its recorded
# name), the sandbox array and every OpenStack process (by recorded pid + start time, whole process group),
# then scripts/realvm/teardown.sh for the libvirt side (its probe domains; libvirtd/virtlogd only if it
# started them). --purge also deletes WORKDIR. Packages stay installed.
set -uo pipefail
PURGE=0; WORK=/var/tmp/ccsnap-realstack
for a in "$@"; do case "$a" in --purge) PURGE=1 ;; *) WORK=$a ;; esac; done
[ -d "$WORK" ] || { echo "[realstack] nothing to tear down: $WORK does not exist" >&2; exit 0; }
export RS_WORK=$(cd "$WORK" && pwd)
. "$(dirname "$0")/common.sh"
. "$RS_HERE/guest.sh"
T0=$(rs_now_ms)

guest_remove
# the API front doors and the array first, then the workers, then the broker; each group at once
# (stopping one by one took ~15 s)
stop_all sandbox nova-api cinder-api glance placement keystone fakeneutron
stop_all nova-compute cinder-volume nova-scheduler cinder-scheduler nova-conductor
stop_all rabbitmq epmd   # last: services that lose their broker mid-shutdown take longer to exit
for f in "$RS_PIDS"/*.pid; do [ -e "$f" ] && stop_bg "$(basename "$f" .pid)"; done
if [ -d "$RS_REALVM" ]; then
  bash "$RS_REPO/scripts/realvm/teardown.sh" "$RS_REALVM"
  rm -f "$RS_GUEST/realvm.env"
fi
printf 'teardown\t%d\n' $(( $(rs_now_ms) - T0 )) >>"$RS_WORK/timings.tsv"
if [ "$PURGE" = 1 ]; then rm -rf "$RS_WORK"; log "removed $RS_WORK"; fi
log "teardown done in $(( ($(rs_now_ms) - T0) / 1000 )) s"
exit 0
