"""The realstack suite's power bridge: Nova's fake virt driver, plus real power for one libvirt domain.

TEST-SIDE ONLY. Nova's fake driver never touches libvirt, but ccsnap's rollback relies on what a real
Nova/libvirt compute does: when Nova reports an instance SHUTOFF its libvirt domain is already off,
and when Nova reports it ACTIVE again the domain runs. ccsnap checks `virsh domstate` right after Nova
says SHUTOFF (CCSNAP_DOMAIN_STILL_RUNNING otherwise), so a bridge that *watches* Nova and reacts
afterwards would race that check. This bridge sits where the real libvirt driver sits instead:

  power_off: shut the domain named like the instance (`instance-%08x`) down (agent shutdown: the
             guest syncs and powers off; `virsh destroy` if it is not off within Nova's shutdown
             timeout), THEN record SHUTDOWN in the fake driver -> Nova reports SHUTOFF afterwards.
  power_on:  record RUNNING, `virsh start`, wait until the guest agent answers guest-ping and run the
             guest's post-start command (mounts) -> Nova reports ACTIVE once the guest is usable.

Instances without a libvirt domain of that name behave exactly as with the plain fake driver.
Env: RS_LIBVIRT_URI (qemu:///system), RS_BRIDGE_LOG (a log file), RS_GUEST_POST_START_FILE (a file
holding a shell command run in the guest after each start; read at every start).
"""
import json
import os
import subprocess
import time

from oslo_log import log as logging

from nova.compute import power_state
from nova.virt import fake

LOG = logging.getLogger(__name__)
URI = os.environ.get("RS_LIBVIRT_URI", "qemu:///system")
BRIDGE_LOG = os.environ.get("RS_BRIDGE_LOG")
POST_START_FILE = os.environ.get("RS_GUEST_POST_START_FILE")


def note(message):
    LOG.info("power bridge: %s", message)
    if BRIDGE_LOG:
        with open(BRIDGE_LOG, "a") as f:
            f.write("%s %s\n" % (time.strftime("%H:%M:%S"), message))


def virsh(*args, timeout=30):
    try:
        r = subprocess.run(["virsh", "-q", "-c", URI, *args], capture_output=True, text=True, timeout=timeout)
        return r.returncode, r.stdout.strip(), r.stderr.strip()
    except subprocess.TimeoutExpired:
        return 124, "", "virsh %s timed out" % args[0]


def domain_state(domain):
    """'running', 'shut off', ... or None when libvirt has no such domain."""
    rc, out, _ = virsh("domstate", domain)
    return out.splitlines()[0].strip() if rc == 0 and out else None


def wait_for(predicate, seconds, interval=0.25):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def agent(domain, command, arguments=None, timeout=5):
    req = {"execute": command, **({"arguments": arguments} if arguments else {})}
    rc, out, err = virsh("qemu-agent-command", domain, "--timeout", str(timeout), json.dumps(req), timeout=timeout + 10)
    if rc != 0:
        raise RuntimeError(err or "agent command %s failed" % command)
    return json.loads(out).get("return")


def guest_shell(domain, command, seconds=30):
    pid = agent(domain, "guest-exec", {"path": "/bin/sh", "arg": ["-c", command], "capture-output": True})["pid"]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        st = agent(domain, "guest-exec-status", {"pid": pid})
        if st.get("exited"):
            return st.get("exitcode", -1)
        time.sleep(0.1)
    raise RuntimeError("guest command timed out: %s" % command)


def domain_off(domain, timeout):
    state = domain_state(domain)
    if state is None:
        return
    if state in ("shut off", "crashed"):
        note("%s already %s" % (domain, state))
        return
    t0 = time.monotonic()
    rc, _, err = virsh("shutdown", domain, "--mode", "agent")
    how = "agent shutdown"
    if rc != 0 or not wait_for(lambda: domain_state(domain) == "shut off", max(timeout, 5)):
        note("%s: %s did not power it off (%s); destroying" % (domain, how, err or "still %s" % domain_state(domain)))
        virsh("destroy", domain)
        how = "destroy"
        wait_for(lambda: domain_state(domain) == "shut off", 30)
    note("%s off by %s in %d ms (state %s)" % (domain, how, (time.monotonic() - t0) * 1000, domain_state(domain)))


def domain_on(domain):
    state = domain_state(domain)
    if state is None:
        return
    t0 = time.monotonic()
    if state != "running":
        rc, _, err = virsh("start", domain)
        if rc != 0:
            note("%s: virsh start failed: %s" % (domain, err))
            return

    def pinged():
        try:
            agent(domain, "guest-ping", timeout=2)
            return True
        except Exception:
            return False

    if not wait_for(pinged, 180, 0.25):
        note("%s: guest agent did not answer within 180 s of start" % domain)
        return
    if POST_START_FILE and os.path.exists(POST_START_FILE):
        with open(POST_START_FILE) as f:
            command = f.read().strip()
        if command:
            try:
                note("%s post-start command exited %s" % (domain, guest_shell(domain, command)))
            except Exception as e:  # the instance is up either way; the suite's own checks will say what is wrong
                note("%s post-start command failed: %s" % (domain, e))
    note("%s on, agent answers, %d ms after start" % (domain, (time.monotonic() - t0) * 1000))


class PowerBridgeDriver(fake.FakeDriver):
    def _adopt(self, instance):
        """The fake driver keeps its instances in memory only: after a nova-compute restart (setup.sh run
        again on a kept stack) it no longer knows them, power actions fail with InstanceNotFound and
        Nova's power-state sync would stop them. Take each back in the power state Nova recorded (the
        domain itself is (re)started by setup.sh's guest phase)."""
        if instance.uuid in self.instances or instance.deleted or instance.vm_state == "deleted":
            return
        power = instance.power_state if instance.power_state in (power_state.RUNNING, power_state.SHUTDOWN) else power_state.RUNNING
        self.instances[instance.uuid] = fake.FakeInstance(instance.name, power, instance.uuid)
        note("adopted %s (%s) after a nova-compute restart, power state %s" % (instance.uuid, instance.name, power))

    def get_info(self, instance, use_cache=True):
        self._adopt(instance)
        return super().get_info(instance, use_cache)

    def power_off(self, instance, timeout=0, retry_interval=0):
        note("power_off %s (%s), timeout %s s" % (instance.uuid, instance.name, timeout))
        self._adopt(instance)
        domain_off(instance.name, timeout or 20)
        super().power_off(instance, timeout, retry_interval)

    def power_on(self, context, instance, network_info, block_device_info=None, accel_info=None):
        note("power_on %s (%s)" % (instance.uuid, instance.name))
        self._adopt(instance)
        super().power_on(context, instance, network_info, block_device_info=block_device_info, accel_info=accel_info)
        domain_on(instance.name)
