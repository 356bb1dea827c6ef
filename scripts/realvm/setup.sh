#!/usr/bin/env bash
# scripts/realvm/setup.sh WORKDIR — boot a real libvirt + QEMU (TCG) guest with qemu-guest-agent for
# `npm run test:libvirt`. Needs root (qemu:///system, apt-get, starting libvirtd without systemd).
#
# Creates three domains:
#   $REALVM_DOMAIN          running, tiny Linux guest: ext4 *raw* data disk at /data, qemu-ga on the virtio port,
#                           a heartbeat writer, userspace messages on the serial console (console.log); qemu-ga
#                           runs with an fsfreeze hook that sleeps the seconds in the guest's /run/ccsnap-hook-sleep
#                           (default 0) and logs "ccsnap-hook: freeze begin|end / thaw <uptime>"; a ~20 ms writer
#                           on /data logs "ccsnap-writer: blocked MS ms from T0 to T1" for each write held >100 ms
#   $REALVM_DOMAIN-noagent  running, no guest-agent <channel> (firmware only, no disk)
#   $REALVM_DOMAIN-stopped  defined, shut off
# stdout: only KEY=VALUE lines (eval-able): REALVM_URI REALVM_DOMAIN REALVM_DOMAIN_NOAGENT REALVM_DOMAIN_STOPPED
#         REALVM_WORK REALVM_DISK REALVM_CONSOLE REALVM_BOOT_MS REALVM_SETUP_MS. stderr: progress.
# env: REALVM_DOMAIN (ccsnap-realvm), REALVM_BOOT_TIMEOUT (180 s), REALVM_SKIP_APT=1 (never call apt-get).
# Idempotent; everything it starts is recorded under WORKDIR/state so that teardown.sh stops only that.
set -euo pipefail

WORK=${1:?usage: setup.sh WORKDIR}
DOM=${REALVM_DOMAIN:-ccsnap-realvm}
BOOT_TIMEOUT=${REALVM_BOOT_TIMEOUT:-180}
URI=qemu:///system
T0=$(date +%s%N)
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
log() { echo "[realvm-setup +$(ms_since "$T0")ms] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (apt-get, libvirtd, qemu:///system)"

mkdir -p "$WORK"; WORK=$(cd "$WORK" && pwd)
G=$WORK/guest C=$WORK/cache S=$WORK/state
mkdir -p "$G" "$C" "$S"
vsh() { virsh -q -c "$URI" "$@"; }

# --- 1. packages (apt-get update only when an install fails)
need=()
for p in libvirt-daemon libvirt-clients qemu-system-x86 qemu-utils qemu-guest-agent e2fsprogs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3 -y -q \
    --no-install-recommends install "$@" >>"$S/apt.log" 2>&1
}
if [ ${#need[@]} -gt 0 ]; then
  [ "${REALVM_SKIP_APT:-0}" = 1 ] && die "missing packages: ${need[*]}"
  log "installing ${need[*]}"
  apt_install "${need[@]}" || { apt-get -o DPkg::Lock::Timeout=600 -q update >>"$S/apt.log" 2>&1 || true
    apt_install "${need[@]}" || { tail -20 "$S/apt.log" >&2; die "apt-get install failed"; }; }
fi

# --- 2. guest kernel + static busybox, taken out of their .debs (never installed on the host)
fetch_deb() {
  local f; f=$(ls "$C/$1"_*.deb 2>/dev/null | head -1 || true)
  if [ -z "$f" ]; then
    (cd "$C" && apt-get -q download "$1" >>"$S/apt.log" 2>&1) || {
      apt-get -o DPkg::Lock::Timeout=600 -q update >>"$S/apt.log" 2>&1 || true
      (cd "$C" && apt-get -q download "$1" >>"$S/apt.log" 2>&1) || die "apt-get download $1 failed"; }
    f=$(ls "$C/$1"_*.deb | head -1)
  fi
  echo "$f"
}
MODS="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk virtio_console"
if [ ! -s "$C/vmlinuz" ] || [ ! -s "$C/mods/virtio_console.ko" ]; then
  kpkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  [ -n "$kpkg" ] || { apt-get -q update >>"$S/apt.log" 2>&1 || true
    kpkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}'); }
  [ -n "$kpkg" ] || die "cannot resolve the Debian cloud kernel package"
  kdeb=$(fetch_deb "$kpkg")
  log "extracting vmlinuz + virtio modules from $(basename "$kdeb")"
  rm -rf "$C/x" "$C/mods"; mkdir -p "$C/x" "$C/mods"
  pats=('*/boot/vmlinuz-*'); for m in $MODS; do pats+=("*/$m.ko" "*/$m.ko.xz" "*/$m.ko.zst"); done
  dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$C/x" --wildcards "${pats[@]}" 2>/dev/null || true
  cp "$(find "$C/x" -path '*/boot/vmlinuz-*' | head -1)" "$C/vmlinuz"
  for m in $MODS; do
    f=$(find "$C/x" -name "$m.ko*" | head -1); [ -n "$f" ] || die "module $m missing in $kdeb"
    case "$f" in *.xz) xz -dc "$f" ;; *.zst) zstd -qdc "$f" ;; *) cat "$f" ;; esac > "$C/mods/$m.ko"
  done
  rm -rf "$C/x" "$kdeb"
fi
if [ ! -x "$C/busybox" ]; then
  bdeb=$(fetch_deb busybox-static)
  dpkg-deb --fsys-tarfile "$bdeb" | tar -x -O --wildcards '*/bin/busybox' > "$C/busybox"; chmod 755 "$C/busybox"
fi

# --- 3. libvirtd without systemd (pitfalls: log dir, libvirt-qemu user, QEMU as root with a 0600 /dev/kvm)
getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
getent passwd libvirt-qemu >/dev/null || useradd -r -g libvirt-qemu -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu
mkdir -p /var/log/libvirt/qemu /var/lib/libvirt /var/cache/libvirt /run/libvirt
if [ ! -e /etc/libvirt/qemu.conf ]; then
  printf '%s\n' '# ccsnap-realvm: written by scripts/realvm/setup.sh; removed by teardown.sh' \
    'user = "root"' 'group = "root"' 'dynamic_ownership = 0' 'remember_owner = 0' 'security_driver = "none"' \
    > /etc/libvirt/qemu.conf
  touch "$S/wrote-qemu-conf"
fi
running() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null && grep -qa "$2" "/proc/$1/cmdline" 2>/dev/null; }
for d in virtlogd libvirtd; do
  pid=$(cat "/run/$d.pid" 2>/dev/null || true)
  running "$pid" "$d" && continue
  "$d" -d
  for _ in $(seq 1 50); do pid=$(cat "/run/$d.pid" 2>/dev/null || true); running "$pid" "$d" && break; sleep 0.1; done
  running "$pid" "$d" || die "$d did not start (see /var/log/libvirt/$d.log)"
  echo "$pid" > "$S/$d.pid"; log "started $d (pid $pid)"
done
for _ in $(seq 1 300); do vsh uri >/dev/null 2>&1 && break; sleep 0.1; done
vsh uri >/dev/null || die "cannot connect to $URI"

# --- 4. guest image: initramfs (busybox + qemu-ga + modules + /init) and a raw ext4 data disk
build_initrd() {
  local R=$G/root lib
  rm -rf "$R"; mkdir -p "$R"/{bin,sbin,proc,sys,dev,data,run,tmp,etc,lib/modules}
  cp "$C/busybox" "$R/bin/busybox"; cp "$C"/mods/*.ko "$R/lib/modules/"; cp /usr/sbin/qemu-ga "$R/sbin/qemu-ga"
  for lib in $(ldd /usr/sbin/qemu-ga | grep -oE '/[^ ]+'); do mkdir -p "$R$(dirname "$lib")"; cp -L "$lib" "$R$lib"; done
  cat > "$R/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev; mount -t tmpfs tmpfs /run
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk virtio_console; do
  insmod /lib/modules/$m.ko
done
n=0; while { [ ! -b /dev/vda ] || [ -z "$(ls /sys/class/virtio-ports 2>/dev/null)" ]; } && [ $n -lt 200 ]; do n=$((n+1)); sleep 0.05; done
mkdir -p /dev/virtio-ports
for p in /sys/class/virtio-ports/*; do [ -e "$p/name" ] && ln -sf "../${p##*/}" "/dev/virtio-ports/$(cat "$p/name")"; done
mount -t ext4 /dev/vda /data || echo "ccsnap-guest: mount /data failed" > /dev/console
printf '#!/bin/sh\nsync\ncase "$*" in *-r*) reboot -f;; *) poweroff -f;; esac\n' > /sbin/shutdown; chmod +x /sbin/shutdown
printf '#!/bin/sh\nexec /sbin/qemu-ga -m virtio-serial -p /dev/virtio-ports/org.qemu.guest_agent.0 -t /run -F/sbin/ccsnap-fsfreeze-hook\n' > /sbin/start-agent
chmod +x /sbin/start-agent
/sbin/start-agent &
( i=0; while true; do i=$((i+1)); echo "$i" >> /data/heartbeat; sleep 1; done ) &
/sbin/ccsnap-writer &
echo "ccsnap-guest: ready" > /dev/console
while true; do sleep 3600; done
INIT
  chmod 755 "$R/init"
  # qemu-ga's fsfreeze hook (-F): on "freeze" it runs BEFORE the filesystems are frozen and blocks the agent while it
  # runs; it sleeps the seconds written in /run/ccsnap-hook-sleep (default 0). On "thaw" it runs after every thaw call
  # (also one that had nothing to thaw). Times are the guest's /proc/uptime (seconds, 10 ms steps).
  cat > "$R/sbin/ccsnap-fsfreeze-hook" <<'HOOK'
#!/bin/sh
read up _ < /proc/uptime
case "$1" in
  freeze)
    s=0; [ -s /run/ccsnap-hook-sleep ] && read s < /run/ccsnap-hook-sleep
    echo "ccsnap-hook: freeze begin $up sleep=$s" > /dev/console
    [ "$s" = 0 ] || sleep "$s"
    read up _ < /proc/uptime
    echo "ccsnap-hook: freeze end $up" > /dev/console ;;
  thaw) echo "ccsnap-hook: thaw $up" > /dev/console ;;
esac
exit 0
HOOK
  # Appends to /data every ~20 ms; a write that blocked longer than 100 ms (a frozen /data) is reported on the console
  # with its guest-uptime start and end: "ccsnap-writer: blocked MS ms from T0 to T1". Shell builtins only (no fork).
  cat > "$R/sbin/ccsnap-writer" <<'WRITER'
#!/bin/sh
i=0
while true; do
  i=$((i+1))
  [ $((i % 5000)) = 0 ] && : > /data/ccsnap-writer
  read a _ < /proc/uptime
  echo "$i $a" >> /data/ccsnap-writer
  read b _ < /proc/uptime
  d=$(( (${b%.*}${b#*.} - ${a%.*}${a#*.}) * 10 ))
  [ $d -gt 100 ] && echo "ccsnap-writer: blocked $d ms from $a to $b" > /dev/console
  usleep 20000
done
WRITER
  chmod 755 "$R/sbin/ccsnap-fsfreeze-hook" "$R/sbin/ccsnap-writer"
  (cd "$R" && find . | "$C/busybox" cpio -o -H newc 2>/dev/null | gzip -1 > "$G/initrd.gz")
  rm -rf "$R"
}
state_of() { vsh domstate "$1" 2>/dev/null | head -1 || true; }
write_xml() { # name file with_kernel with_agent
  local disk='' os='' agent=''
  if [ "$3" = 1 ]; then
    os="<kernel>$G/vmlinuz</kernel><initrd>$G/initrd.gz</initrd><cmdline>console=ttyS0 panic=-1 quiet</cmdline>"
    disk="<disk type='file' device='disk'><driver name='qemu' type='raw' cache='writeback'/><source file='$G/data.raw'/><target dev='vda' bus='virtio'/></disk>
    <serial type='file'><source path='$G/console.log'/><target port='0'/></serial>"
  fi
  [ "$4" = 1 ] && agent="<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>"
  cat > "$2" <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>$([ "$3" = 1 ] && echo 256 || echo 32)</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type>$os</os>
  <on_poweroff>destroy</on_poweroff><on_reboot>destroy</on_reboot><on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    $disk
    $agent
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
</domain>
XML
}
define_fresh() { # name xml
  local st; st=$(state_of "$1")
  [ -n "$st" ] && { vsh destroy "$1" >/dev/null 2>&1 || true; vsh undefine "$1" >/dev/null 2>&1 || true; }
  vsh define "$2" >/dev/null; echo "$1" >> "$S/domains"
}

T_BOOT=$(date +%s%N)
if [ "$(state_of "$DOM")" != running ]; then
  log "building guest"
  build_initrd; cp "$C/vmlinuz" "$G/vmlinuz"
  if [ ! -s "$G/data.raw" ]; then truncate -s 64M "$G/data.raw"; mkfs.ext4 -q -F -L data "$G/data.raw"; fi
  write_xml "$DOM" "$G/domain.xml" 1 1
  define_fresh "$DOM" "$G/domain.xml"
  : > "$G/console.log"
  T_BOOT=$(date +%s%N)
  vsh start "$DOM" >/dev/null; log "started $DOM"
fi
if [ "$(state_of "$DOM-noagent")" != running ]; then
  write_xml "$DOM-noagent" "$G/noagent.xml" 0 0; define_fresh "$DOM-noagent" "$G/noagent.xml"; vsh start "$DOM-noagent" >/dev/null
fi
if [ "$(state_of "$DOM-stopped")" != "shut off" ]; then
  write_xml "$DOM-stopped" "$G/stopped.xml" 0 1; define_fresh "$DOM-stopped" "$G/stopped.xml"
fi
sort -u -o "$S/domains" "$S/domains"

# --- 5. wait for the agent
deadline=$(( $(date +%s) + BOOT_TIMEOUT ))
until vsh qemu-agent-command "$DOM" '{"execute":"guest-ping"}' >/dev/null 2>&1; do
  [ "$(date +%s)" -lt "$deadline" ] || { tail -20 "$G/console.log" >&2 || true; die "agent did not answer within ${BOOT_TIMEOUT}s"; }
  [ "$(state_of "$DOM")" = running ] || { tail -20 "/var/log/libvirt/qemu/$DOM.log" >&2 || true; die "$DOM stopped"; }
  sleep 0.25
done
log "agent answers; boot $(ms_since "$T_BOOT") ms"
echo "REALVM_URI=$URI"
echo "REALVM_DOMAIN=$DOM"
echo "REALVM_DOMAIN_NOAGENT=$DOM-noagent"
echo "REALVM_DOMAIN_STOPPED=$DOM-stopped"
echo "REALVM_WORK=$WORK"
echo "REALVM_DISK=$G/data.raw"
echo "REALVM_CONSOLE=$G/console.log"
echo "REALVM_BOOT_MS=$(ms_since "$T_BOOT")"
echo "REALVM_SETUP_MS=$(ms_since "$T0")"
