#!/usr/bin/python3
"""nova-compute for the realstack suite: Nova's own service entry point, with the suite's power bridge
driver made loadable as `compute_driver = realstack_power_bridge.PowerBridgeDriver`.

Nova loads drivers only from the nova.virt package (nova.virt.driver.load_compute_driver imports
"nova.virt.<compute_driver>"), and the suite must not write into the system's dist-packages, so the
module is registered under that name here, after nova.cmd has done its eventlet monkey patching.
Started from python3-nova directly: the Debian nova-compute package would pull in libvirt's
nova-compute-kvm wiring, which this suite does not want.
"""
import os
import sys

import nova.cmd  # noqa: F401  (eventlet monkey patching first, as nova's own console scripts do)
from nova.cmd.compute import main

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import realstack_power_bridge  # noqa: E402

sys.modules["nova.virt.realstack_power_bridge"] = realstack_power_bridge

if __name__ == "__main__":
    sys.exit(main())
