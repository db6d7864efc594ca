"""Security defaults: loopback only unless asked, and a loud warning when asked otherwise.

The emulator checks no signatures by default and holds whatever a test puts in it; it must not be
reachable from other machines unless the user says so with --host.
"""

import errno
import socket
import subprocess

import pytest
import requests

import e2e_util as u


def other_local_addresses():
    """IPv4 addresses of this machine's other interfaces (not loopback)."""
    found = set()
    try:
        out = subprocess.run(["ip", "-o", "-4", "addr", "show"], capture_output=True, text=True,
                             timeout=5).stdout
        for line in out.splitlines():
            parts = line.split()
            if "inet" in parts:
                found.add(parts[parts.index("inet") + 1].split("/")[0])
    except (OSError, subprocess.SubprocessError):
        pass
    try:  # the address of the default route's interface; connect() on UDP sends nothing
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.connect(("192.0.2.1", 9))
        found.add(probe.getsockname()[0])
        probe.close()
    except OSError:
        pass
    return sorted(a for a in found if not a.startswith("127.") and a != "0.0.0.0")


def reachable(host, port, family=socket.AF_INET):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect((host, port))
        return True
    except OSError as e:
        if e.errno in (errno.ECONNREFUSED, errno.EADDRNOTAVAIL, errno.ENETUNREACH, errno.EHOSTUNREACH):
            return False
        if isinstance(e, socket.timeout):
            return False
        raise
    finally:
        s.close()


def test_binds_loopback_only_by_default(start_emulator):
    em = start_emulator()
    assert em.host == "127.0.0.1", em.first_line
    assert reachable("127.0.0.1", em.port)
    # Another loopback address: the whole of 127/8 is local on Linux, but only 127.0.0.1 is bound.
    assert not reachable("127.0.0.2", em.port), "reachable on 127.0.0.2: not bound to 127.0.0.1 alone"
    for address in other_local_addresses():
        assert not reachable(address, em.port), f"reachable on {address}: the default must be loopback only"
    if socket.has_ipv6:
        try:
            assert not reachable("::1", em.port, socket.AF_INET6), "reachable on [::1]"
        except OSError:
            pass  # no IPv6 loopback on this machine
    assert "WARNING" not in em.stderr_text()


def test_any_address_prints_a_loud_warning(start_emulator):
    em = start_emulator("--host", "0.0.0.0")
    assert em.host == "0.0.0.0", em.first_line
    stderr = em.stderr_text()
    warning = [line for line in stderr.splitlines() if "WARNING" in line]
    assert warning, f"no WARNING on stderr for --host 0.0.0.0:\n{stderr[:2000]}"
    assert "0.0.0.0" in warning[0] and "other machines" in warning[0], warning[0]
    # The check above means something: now it is reachable on the other addresses.
    assert reachable("127.0.0.2", em.port)
    addresses = other_local_addresses()
    for address in addresses:
        assert reachable(address, em.port), f"--host 0.0.0.0 but not reachable on {address}"
    r = requests.get(f"http://127.0.0.1:{em.port}/_emulator/health", timeout=5)
    assert r.status_code == 200


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_hosts_do_not_warn(start_emulator, host):
    em = start_emulator("--host", host)
    assert "WARNING" not in em.stderr_text()
    assert reachable("127.0.0.1", em.port)


def test_any_address_warns_that_the_control_plane_is_open_unless_a_token_guards_it(start_emulator):
    em = start_emulator("--host", "0.0.0.0")
    assert "control plane (/_emulator" in em.stderr_text() and "--control-token" in em.stderr_text()
    guarded = start_emulator("--host", "0.0.0.0", "--control-token", "s3cret-token")
    assert "unauthenticated" not in guarded.stderr_text()


def test_a_control_token_guards_every_control_call_but_health(start_emulator, account):
    em = start_emulator("--control-token", "s3cret-token")
    base = f"http://127.0.0.1:{em.port}/_emulator"
    for method, path in [("GET", "/state"), ("POST", "/reset"), ("POST", "/clock"), ("GET", "/faults")]:
        for headers in [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Bearer s3cret-tokenX"},
                        {"Authorization": "s3cret-token"}]:
            r = requests.request(method, base + path, headers=headers, json={}, timeout=5)
            assert r.status_code == 401, (method, path, headers, r.status_code)
            assert "--control-token" in r.json()["error"]
            assert r.headers["WWW-Authenticate"].startswith("Bearer")
    good = {"Authorization": "Bearer s3cret-token"}
    assert requests.post(base + "/clock", headers=good, json={"advance_seconds": 1}, timeout=5).status_code == 200
    assert requests.get(base + "/state", headers=good, timeout=5).status_code == 200
    assert requests.get(base + "/health", timeout=5).status_code == 200
    # The dashboard's files hold no secret and a browser cannot add the header to a page: they load
    # without the token (its calls carry it); other methods on them and the resources do not.
    for path in ["/ui", "/ui/dashboard.js", "/ui/dashboard.css"]:
        assert requests.get(base + path, timeout=5).status_code == 200, path
    assert requests.post(base + "/ui", timeout=5).status_code == 401
    assert requests.get(base + "/uix", timeout=5).status_code == 401
    assert requests.get(base + "/resources", timeout=5).status_code == 401
    # The API itself is not the control plane's: no token there.
    assert u.make_client(em.url, account).list_distributions()["DistributionList"]["Quantity"] == 0


def test_the_token_can_come_from_the_environment(tmp_path, monkeypatch, start_emulator):
    monkeypatch.setenv("CFL_CONTROL_TOKEN", "from-env")
    em = start_emulator()
    base = f"http://127.0.0.1:{em.port}/_emulator"
    assert requests.get(base + "/state", timeout=5).status_code == 401
    assert requests.get(base + "/state", headers={"Authorization": "Bearer from-env"}, timeout=5).status_code == 200
