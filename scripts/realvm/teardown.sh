#!/usr/bin/env bash
# scripts/realvm/teardown.sh WORKDIR [--purge] — undo setup.sh: destroy + undefine the domains it defined and
# stop the libvirtd/virtlogd it started (by recorded pid, checked against /proc/PID/cmdline). Removes the
# qemu.conf it wrote once no libvirtd is left. --purge also deletes WORKDIR. Packages stay installed.
set -uo pipefail
WORK=''; PURGE=0
for a in "$@"; do case "$a" in --purge) PURGE=1 ;; *) WORK=$a ;; esac; done
[ -n "$WORK" ] || { echo "usage: teardown.sh WORKDIR [--purge]" >&2; exit 2; }
[ -d "$WORK" ] || { echo "[realvm-teardown] nothing to do: $WORK does not exist" >&2; exit 0; }
S=$WORK/state
log() { echo "[realvm-teardown] $*" >&2; }
if [ -s "$S/domains" ]; then
  while read -r d; do
    [ -n "$d" ] || continue
    virsh -q -c qemu:///system destroy "$d" >/dev/null 2>&1 && log "destroyed $d"
    virsh -q -c qemu:///system undefine "$d" >/dev/null 2>&1 && log "undefined $d"
  done < "$S/domains"
  rm -f "$S/domains"
fi
for d in libvirtd virtlogd; do
  pid=$(cat "$S/$d.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -qa "$d" "/proc/$pid/cmdline"; then
    kill "$pid"; for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    log "stopped $d (pid $pid)"
  fi
  rm -f "$S/$d.pid"
done
if [ -e "$S/wrote-qemu-conf" ] && grep -q '^# ccsnap-realvm:' /etc/libvirt/qemu.conf 2>/dev/null; then
  p=$(cat /run/libvirtd.pid 2>/dev/null || true)
  if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then log "another libvirtd (pid $p) runs: keeping /etc/libvirt/qemu.conf"
  else rm -f /etc/libvirt/qemu.conf "$S/wrote-qemu-conf"; log "removed /etc/libvirt/qemu.conf"; fi
fi
[ "$PURGE" = 1 ] && rm -rf "$WORK" && log "removed $WORK"
exit 0
