#!/usr/bin/python3
"""Creates the realstack suite's cloud objects through the real APIs (idempotent, by name) and prints
them as one JSON object on stdout:

  flavor realstack.tiny, image realstack-image (1 MiB raw), volume type cb-ssd (on the "cloudbyte"
  fake backend), volume realstack-boot (1 GiB from the image: bootable), server realstack-vm booted
  from that volume with no network, volume realstack-data (1 GiB) attached to it.

Raw REST through one keystoneauth session: one process, pinned microversions (compute 2.79 for
networks "none", block storage 3.60), no client-library guesswork. Env: OS_* admin credentials.
"""
import json
import os
import sys
import time

from keystoneauth1 import session
from keystoneauth1.identity import v3

NOVA = {"service_type": "compute", "interface": "public"}
CINDER = {"service_type": "volumev3", "interface": "public"}
GLANCE = {"service_type": "image", "interface": "public"}
NOVA_MV = {"OpenStack-API-Version": "compute 2.79", "X-OpenStack-Nova-API-Version": "2.79"}
CINDER_MV = {"OpenStack-API-Version": "volume 3.60"}
PREFIX = os.environ.get("RS_NAME_PREFIX", "realstack")


def connect():
    env = os.environ
    auth = v3.Password(auth_url=env["OS_AUTH_URL"], username=env["OS_USERNAME"], password=env["OS_PASSWORD"],
                       project_name=env["OS_PROJECT_NAME"], user_domain_name="Default", project_domain_name="Default")
    return session.Session(auth=auth)


def wait(what, fetch, done, failed=("error", "ERROR"), seconds=180):
    deadline = time.monotonic() + seconds
    while True:
        obj = fetch()
        status = obj.get("status")
        if status in done:
            return obj
        if status in failed:
            sys.exit("%s went %s: %s" % (what, status, json.dumps(obj.get("fault", obj))[:400]))
        if time.monotonic() > deadline:
            sys.exit("%s still %s after %d s" % (what, status, seconds))
        time.sleep(1)


def wait_services(s, seconds=120):
    """The scheduler only places volumes/servers on services that reported in: wait for both."""
    deadline = time.monotonic() + seconds
    while True:
        vol = s.get("/os-services?binary=cinder-volume", endpoint_filter=CINDER).json()["services"]
        cmp = s.get("/os-services?binary=nova-compute", endpoint_filter=NOVA).json()["services"]
        if any(v["state"] == "up" for v in vol) and any(c["state"] == "up" for c in cmp):
            return
        if time.monotonic() > deadline:
            sys.exit("services not up after %d s: cinder-volume %s, nova-compute %s" % (
                seconds, [v["state"] for v in vol], [c["state"] for c in cmp]))
        time.sleep(1)


def ensure_flavor(s):
    name = PREFIX + ".tiny"
    for f in s.get("/flavors/detail", endpoint_filter=NOVA).json()["flavors"]:
        if f["name"] == name:
            return f["id"]
    body = {"flavor": {"name": name, "ram": 256, "vcpus": 1, "disk": 1}}
    return s.post("/flavors", json=body, endpoint_filter=NOVA).json()["flavor"]["id"]


def ensure_image(s):
    name = PREFIX + "-image"
    found = s.get("/v2/images?name=" + name, endpoint_filter=GLANCE).json()["images"]
    if found and found[0]["status"] == "active":
        return found[0]["id"]
    image = found[0] if found else s.post("/v2/images", endpoint_filter=GLANCE, json={
        "name": name, "disk_format": "raw", "container_format": "bare", "visibility": "public"}).json()
    s.put("/v2/images/%s/file" % image["id"], data=b"\0" * 1048576, endpoint_filter=GLANCE,
          headers={"Content-Type": "application/octet-stream"})
    wait("image " + name, lambda: s.get("/v2/images/" + image["id"], endpoint_filter=GLANCE).json(), ("active",))
    return image["id"]


def ensure_volume_type(s, name="cb-ssd"):
    for t in s.get("/types", endpoint_filter=CINDER).json()["volume_types"]:
        if t["name"] == name:
            return t["id"]
    body = {"volume_type": {"name": name, "extra_specs": {"volume_backend_name": "cloudbyte"}}}
    return s.post("/types", json=body, endpoint_filter=CINDER).json()["volume_type"]["id"]


def volume(s, vid):
    return s.get("/volumes/" + vid, endpoint_filter=CINDER, headers=CINDER_MV).json()["volume"]


def ensure_volume(s, name, image_id=None):
    found = s.get("/volumes/detail?name=" + name, endpoint_filter=CINDER, headers=CINDER_MV).json()["volumes"]
    for broken in [v for v in found if v["status"] == "error"]:  # left by an earlier, failed attempt
        s.delete("/volumes/" + broken["id"], endpoint_filter=CINDER)
        found.remove(broken)
    if found:
        vol = found[0]
    else:
        body = {"volume": {"name": name, "size": 1, "volume_type": "cb-ssd", **({"imageRef": image_id} if image_id else {})}}
        vol = s.post("/volumes", json=body, endpoint_filter=CINDER, headers=CINDER_MV).json()["volume"]
    return wait("volume " + name, lambda: volume(s, vol["id"]), ("available", "in-use"))["id"]


def server(s, sid):
    return s.get("/servers/" + sid, endpoint_filter=NOVA, headers=NOVA_MV).json()["server"]


def ensure_server(s, name, flavor_id, boot_volume_id):
    found = s.get("/servers/detail?name=^%s$" % name, endpoint_filter=NOVA, headers=NOVA_MV).json()["servers"]
    for broken in [v for v in found if v["status"] == "ERROR"]:  # left by an earlier, failed attempt
        s.delete("/servers/" + broken["id"], endpoint_filter=NOVA)
        found.remove(broken)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and s.get("/servers/" + broken["id"], endpoint_filter=NOVA, raise_exc=False).status_code != 404:
            time.sleep(1)
    if found:
        sid = found[0]["id"]
        if found[0]["status"] == "SHUTOFF":  # a kept stack whose last run left the instance stopped
            s.post("/servers/%s/action" % sid, json={"os-start": None}, endpoint_filter=NOVA, headers=NOVA_MV)
    else:
        body = {"server": {"name": name, "imageRef": "", "flavorRef": flavor_id, "networks": "none",
                           "block_device_mapping_v2": [{"uuid": boot_volume_id, "boot_index": 0, "source_type": "volume",
                                                        "destination_type": "volume", "delete_on_termination": False}]}}
        sid = s.post("/servers", json=body, endpoint_filter=NOVA, headers=NOVA_MV).json()["server"]["id"]
    return wait("server " + name, lambda: server(s, sid), ("ACTIVE",))


def ensure_attached(s, server_id, volume_id):
    if volume(s, volume_id)["status"] != "in-use":
        s.post("/servers/%s/os-volume_attachments" % server_id, endpoint_filter=NOVA, headers=NOVA_MV,
               json={"volumeAttachment": {"volumeId": volume_id}})
    wait("attachment of " + volume_id, lambda: volume(s, volume_id), ("in-use",))


def main():
    s = connect()
    wait_services(s)
    flavor_id = ensure_flavor(s)
    image_id = ensure_image(s)
    ensure_volume_type(s)
    boot_id = ensure_volume(s, PREFIX + "-boot", image_id)
    data_id = ensure_volume(s, PREFIX + "-data")
    srv = ensure_server(s, PREFIX + "-vm", flavor_id, boot_id)
    ensure_attached(s, srv["id"], data_id)
    srv = server(s, srv["id"])
    print(json.dumps({
        "server_id": srv["id"], "server_name": srv["name"], "project_id": srv["tenant_id"],
        "instance_name": srv["OS-EXT-SRV-ATTR:instance_name"], "host": srv["OS-EXT-SRV-ATTR:host"],
        "boot_volume_id": boot_id, "data_volume_id": data_id, "flavor_id": flavor_id, "image_id": image_id,
        "boot_volume": volume(s, boot_id), "data_volume": volume(s, data_id),
    }))


if __name__ == "__main__":
    main()
