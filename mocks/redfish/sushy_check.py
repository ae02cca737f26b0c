#!/usr/bin/python3
"""Reads a Redfish service with OpenStack sushy (python3-sushy), as an independent client would.

Usage: sushy_check.py URL USER PASSWORD CA_FILE basic|session [replace]
Prints one line per resource read; exits 1 with the exception on the first resource sushy cannot read.
With `replace`, it then installs the HTTPS certificate again through CertificateService.replace_certificate (the
certificate the service already holds the key of, so the service stays as it was); sushy sends CertificateUri as
a string there.
"""
import sys

import sushy
from sushy import auth


def main() -> int:
    url, user, password, ca, scheme = sys.argv[1:6]
    replace = sys.argv[6:7] == ["replace"]
    how = auth.BasicAuth if scheme == "basic" else auth.SessionAuth
    root = sushy.Sushy(url, verify=ca, auth=how(username=user, password=password))
    print(f"root: {root.identity} RedfishVersion {root.redfish_version}")
    for system in root.get_system_collection().get_members():
        print(f"system: {system.identity} reset types {sorted(str(v) for v in system.get_allowed_reset_system_values())}")
    for manager in root.get_manager_collection().get_members():
        print(f"manager: {manager.identity}")
    certs = root.get_certificate_service()
    print(f"certificate service: {certs.identity}")
    https = None
    for cert in certs.certificate_locations.get_members():
        print(f"certificate: {cert.path} {cert.certificate_type}")
        if "/NetworkProtocol/HTTPS/Certificates/" in cert.path and https is None:
            https = cert
    tasks = root.get_task_service()
    print(f"task service: {tasks.identity} tasks {len(tasks.tasks.get_members())}")
    sessions = root.get_session_service()
    print(f"session service: {sessions.identity}")
    if replace:
        certs.replace_certificate(https.path, https.certificate_string, "PEM")
        print(f"replaced: {https.path}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as err:  # noqa: BLE001 - any failure is the finding
        print(f"sushy failed: {type(err).__name__}: {err}")
        sys.exit(1)
