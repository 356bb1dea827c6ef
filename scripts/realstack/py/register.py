#!/usr/bin/python3
"""Registers the realstack service users, services and endpoints in the local Keystone (idempotent).

One Python process instead of ~25 `openstack ... create` calls (each CLI start costs 1.5-2.5 s).
Env: OS_* admin credentials, RS_SERVICE_PASS. Every URL is on 127.0.0.1.
"""
import os

from keystoneauth1 import session
from keystoneauth1.identity import v3
from keystoneclient.v3 import client

BASE = "http://127.0.0.1"
# service user -> [(service type, service name, endpoint url)]
CATALOG = {
    "nova": [("compute", "nova", BASE + ":8774/v2.1")],
    "placement": [("placement", "placement", BASE + ":8778")],
    "cinder": [("volumev3", "cinderv3", BASE + ":8776/v3/%(project_id)s"),
               ("block-storage", "cinder", BASE + ":8776/v3/%(project_id)s")],
    "glance": [("image", "glance", BASE + ":9292")],
    # fakeneutron.py: nova-api cannot render a server without a "network" endpoint
    "neutron": [("network", "neutron", BASE + ":9696")],
}


def first(items):
    return next(iter(items), None)


def main():
    env = os.environ
    auth = v3.Password(auth_url=env["OS_AUTH_URL"], username=env["OS_USERNAME"], password=env["OS_PASSWORD"],
                       project_name=env["OS_PROJECT_NAME"], user_domain_name="Default", project_domain_name="Default")
    ks = client.Client(session=session.Session(auth=auth), interface="public")
    region = env.get("OS_REGION_NAME", "RegionOne")
    password = env["RS_SERVICE_PASS"]
    domain = ks.domains.get("default")
    project = first(ks.projects.list(name="service", domain=domain)) or ks.projects.create("service", domain)
    admin = ks.roles.list(name="admin")[0]
    service_role = first(ks.roles.list(name="service")) or ks.roles.create("service")
    for user_name, services in CATALOG.items():
        user = first(ks.users.list(name=user_name, domain=domain))
        if user is None:
            user = ks.users.create(user_name, domain=domain, password=password)
        else:
            ks.users.update(user, password=password)
        for role in (admin, service_role):
            ks.roles.grant(role, user=user, project=project)
        for stype, sname, url in services:
            svc = first(s for s in ks.services.list(type=stype) if s.name == sname) or ks.services.create(sname, type=stype)
            existing = {e.interface: e for e in ks.endpoints.list(service=svc, region=region)}
            for interface in ("public", "internal", "admin"):
                if interface not in existing:
                    ks.endpoints.create(svc, url, interface=interface, region=region)
                elif existing[interface].url != url:
                    ks.endpoints.update(existing[interface], url=url)
        print("registered", user_name)


if __name__ == "__main__":
    main()
