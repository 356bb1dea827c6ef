# scripts/realstack/guest.sh — the real libvirt/QEMU guest behind the Nova instance. Sourced by setup.sh.
#
# scripts/realvm/setup.sh (the project's libvirt guest scripts) provides libvirtd, the guest kernel and
# its initramfs (busybox, virtio modules, qemu-ga; /init mounts /dev/vda at /data, starts qemu-ga and
# a heartbeat writer appending to /data/heartbeat every second). It also boots its own probe guests,
# which prove the image boots; they are shut off right away to give the CPU back (its teardown.sh
# undefines them). This file then defines THE guest: named like the instance
# (OS-EXT-SRV-ATTR:instance_name), its disks being the sandbox array's file-backed images of the
# instance's real Cinder volumes (raw, ext4):
#   vda = data volume  -> /data    (mounted by the realvm /init; heartbeat writes land here)
#   vdb = boot volume  -> /bootvol (mounted by the post-start command below, after every start)
# ACPI is on so that an agent shutdown (`poweroff -f` in the guest) really powers the domain off.

RS_GUEST=$RS_WORK/guest
RS_REALVM=$RS_WORK/realvm
RS_POST_START=$RS_GUEST/post-start.sh

# guest_base: libvirtd + kernel + initramfs from scripts/realvm/setup.sh; writes $RS_GUEST/realvm.env
guest_base() {
  mkdir -p "$RS_GUEST"
  REALVM_DOMAIN=ccsnap-realstack-probe REALVM_SKIP_APT=${REALVM_SKIP_APT:-0} \
    bash "$RS_REPO/scripts/realvm/setup.sh" "$RS_REALVM" >"$RS_GUEST/realvm.env.tmp"
  mv "$RS_GUEST/realvm.env.tmp" "$RS_GUEST/realvm.env"
  local d
  for d in ccsnap-realstack-probe ccsnap-realstack-probe-noagent; do
    virsh -q -c "$RS_LIBVIRT_URI" destroy "$d" >/dev/null 2>&1 || true
  done
}

# guest_define DOMAIN DATA_IMAGE BOOT_IMAGE: (re)define and start the instance's domain, wait for its agent
guest_define() {
  local dom=$1 data=$2 boot=$3 state
  local vw; vw=$(sed -n 's/^REALVM_WORK=//p' "$RS_GUEST/realvm.env")
  [ -s "$vw/guest/vmlinuz" ] && [ -s "$vw/guest/initrd.gz" ] || { log "realvm guest kernel/initrd missing under $vw/guest"; return 1; }
  cp "$vw/guest/vmlinuz" "$vw/guest/initrd.gz" "$RS_GUEST/"
  echo 'mkdir -p /bootvol; grep -q " /bootvol " /proc/mounts || mount -t ext4 /dev/vdb /bootvol' >"$RS_POST_START"
  cat >"$RS_GUEST/domain.xml" <<EOF
<domain type='qemu'>
  <name>$dom</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$RS_GUEST/vmlinuz</kernel>
    <initrd>$RS_GUEST/initrd.gz</initrd>
    <cmdline>console=ttyS0 panic=-1 quiet</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' cache='writeback'/>
      <source file='$data'/>
      <target dev='vda' bus='virtio'/>
      <serial>realstack-data</serial>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' cache='writeback'/>
      <source file='$boot'/>
      <target dev='vdb' bus='virtio'/>
      <serial>realstack-boot</serial>
    </disk>
    <serial type='file'><source path='$RS_GUEST/console.log'/><target port='0'/></serial>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
  state=$(virsh -q -c "$RS_LIBVIRT_URI" domstate "$dom" 2>/dev/null | head -1 || true)
  if [ -n "$state" ]; then
    virsh -q -c "$RS_LIBVIRT_URI" destroy "$dom" >/dev/null 2>&1 || true
    virsh -q -c "$RS_LIBVIRT_URI" undefine "$dom" >/dev/null
  fi
  virsh -q -c "$RS_LIBVIRT_URI" define "$RS_GUEST/domain.xml" >/dev/null
  echo "$dom" >"$RS_GUEST/domain"
  : >"$RS_GUEST/console.log"
  virsh -q -c "$RS_LIBVIRT_URI" start "$dom" >/dev/null
  local t0; t0=$(rs_now_ms)
  local end=$(( $(date +%s) + 180 ))
  until virsh -q -c "$RS_LIBVIRT_URI" qemu-agent-command "$dom" --timeout 2 '{"execute":"guest-ping"}' >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$end" ] || { tail -20 "$RS_GUEST/console.log" >&2; log "guest agent of $dom did not answer within 180 s"; return 1; }
    sleep 0.25
  done
  log "guest $dom: agent answers $(( $(rs_now_ms) - t0 )) ms after start"
  guest_sh "$dom" "$(cat "$RS_POST_START")" >/dev/null
}

# guest_sh DOMAIN 'command': run it in the guest (scripts/realvm/guest-exec.mjs); prints its output
guest_sh() { node "$RS_REPO/scripts/realvm/guest-exec.mjs" -c "$RS_LIBVIRT_URI" "$1" "$2"; }

# guest_check DOMAIN DATA_VOLUME_ID BOOT_VOLUME_ID: the guest sees the right volume at each mount point
guest_check() {
  local dom=$1 out
  out=$(guest_sh "$dom" 'cat /data/ccsnap-volume /bootvol/ccsnap-volume')
  echo "$out" | grep -q "data $2" || { log "guest /data is not data volume $2: $out"; return 1; }
  echo "$out" | grep -q "boot $3" || { log "guest /bootvol is not boot volume $3: $out"; return 1; }
}

# guest_remove: destroy + undefine the instance's domain (by the recorded name)
guest_remove() {
  [ -s "$RS_GUEST/domain" ] || return 0
  local dom; dom=$(cat "$RS_GUEST/domain")
  virsh -q -c "$RS_LIBVIRT_URI" destroy "$dom" >/dev/null 2>&1 && log "destroyed $dom"
  virsh -q -c "$RS_LIBVIRT_URI" undefine "$dom" >/dev/null 2>&1 && log "undefined $dom"
  rm -f "$RS_GUEST/domain"
}
