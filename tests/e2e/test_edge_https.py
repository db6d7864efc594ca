"""The HTTPS edge (issue 16): a viewer reaches a distribution over TLS through an alias, with the
CA the emulator generates at start; redirect-to-https and https-only; HTTPS custom origins verified
against --origin-ca; TLS failures that do not hurt other viewers.

Viewers are curl (--cacert, --resolve) and `requests` (verify=); the HTTPS origin is Python's
http.server wrapped in ssl, with a CA and certificate the test makes with the openssl CLI."""

import json
import socket
import ssl
import subprocess
import threading
import time

import pytest
import requests

import e2e_util as u
from test_edge import Origin, assert_cloudfront_error, create, custom_origin, edge_config, get

PLAIN_DOMAIN = "plain.https.test"     # an HTTP origin
SECURE_DOMAIN = "secure.https.test"   # an HTTPS origin whose certificate names it
WRONG_DOMAIN = "wrong.https.test"     # the same HTTPS origin: its certificate does not name this


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def origin_pki(tmp_path_factory):
    """A CA of the test's own and a leaf for SECURE_DOMAIN signed by it (PEM files)."""
    pki = tmp_path_factory.mktemp("origin-pki")
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
            "-subj", "/CN=https16 test origin CA", "-keyout", "ca.key", "-out", "ca.pem", cwd=pki)
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj",
            f"/CN={SECURE_DOMAIN}", "-keyout", "leaf.key", "-out", "leaf.csr", cwd=pki)
    (pki / "ext.cnf").write_text(f"subjectAltName=DNS:{SECURE_DOMAIN}\nextendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-days", "2", "-extfile", "ext.cnf", "-out", "leaf.pem", cwd=pki)
    return pki


@pytest.fixture(scope="module")
def origin():
    served = Origin()
    yield served
    served.close()


@pytest.fixture(scope="module")
def tls_origin(origin_pki):
    """The same recording origin, over TLS with the test CA's certificate."""
    served = Origin()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(origin_pki / "leaf.pem", origin_pki / "leaf.key")
    served.server.socket = context.wrap_socket(served.server.socket, server_side=True)
    yield served
    served.close()


def emulator_flags(origin, tls_origin, *extra):
    return ["--origin-address", f"{PLAIN_DOMAIN}=127.0.0.1:{origin.port}",
            "--origin-address", f"{SECURE_DOMAIN}=127.0.0.1:{tls_origin.port}",
            "--origin-address", f"{WRONG_DOMAIN}=127.0.0.1:{tls_origin.port}", *extra]


@pytest.fixture(scope="module")
def https_emulator(origin, tls_origin, origin_pki, tmp_path_factory):
    ca_out = tmp_path_factory.mktemp("edge-ca") / "edge-ca.pem"
    em = u.Emulator(*emulator_flags(origin, tls_origin, "--edge-ca-out", str(ca_out),
                                    "--origin-ca", str(origin_pki / "ca.pem")))
    em.ca_path = str(ca_out)
    yield em
    assert em.stop() == 0


def ports(em):
    edge = em.health()["edge"]
    return int(edge["http"].rpartition(":")[2]), int(edge["https"].rpartition(":")[2])


@pytest.fixture
def cf_https(https_emulator, account):
    return u.make_client(https_emulator.url, account)


def curl(*args):
    done = subprocess.run(["curl", "-sS", "--max-time", "20", "-o", "-", "-w", "\n%{http_code} %{redirect_url}",
                           *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    body, _, status = done.stdout.rpartition("\n")
    code, _, location = status.partition(" ")
    return int(code), location, body


def behavior_policy(policy, *aliases):
    config = edge_config(origins=[custom_origin("site", PLAIN_DOMAIN)])
    config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] = policy
    if aliases:
        config.update(u.with_aliases(*aliases))
    return config


def test_health_names_the_https_listener_and_the_ca_is_served_and_written(https_emulator):
    http_port, https_port = ports(https_emulator)
    assert https_emulator.health()["edge"]["https"] == f"127.0.0.1:{https_port}"
    assert https_port not in (http_port, https_emulator.port)
    served = requests.get(https_emulator.url + "/_emulator/edge/ca.pem", timeout=20)
    assert served.status_code == 200
    assert served.text.startswith("-----BEGIN CERTIFICATE-----")
    with open(https_emulator.ca_path) as written:
        assert written.read() == served.text


def test_an_alias_over_https_and_redirect_to_https_with_curl(https_emulator, cf_https, account):
    http_port, https_port = ports(https_emulator)
    alias = f"www-{account}.example.com"
    create(cf_https, behavior_policy("redirect-to-https", alias))
    resolve = ["--cacert", https_emulator.ca_path, "--resolve", f"{alias}:{https_port}:127.0.0.1",
               "--resolve", f"{alias}:{http_port}:127.0.0.1"]

    status, _, body = curl(*resolve, f"https://{alias}:{https_port}/page.html?q=1")
    assert status == 200, body
    assert json.loads(body)["path"] == "/page.html"

    status, location, _ = curl(*resolve, f"http://{alias}:{http_port}/page.html?q=1")
    assert status == 301
    assert location == f"https://{alias}:{https_port}/page.html?q=1"

    status, _, body = curl(*resolve, "-L", f"http://{alias}:{http_port}/followed")
    assert status == 200, body
    assert json.loads(body)["path"] == "/followed"


def test_a_client_without_the_ca_refuses_the_certificate(https_emulator, cf_https, account):
    _, https_port = ports(https_emulator)
    alias = f"untrusted-{account}.example.com"
    create(cf_https, behavior_policy("allow-all", alias))
    done = subprocess.run(["curl", "-sS", "--max-time", "20", "--resolve", f"{alias}:{https_port}:127.0.0.1",
                           f"https://{alias}:{https_port}/"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 60, done.stderr  # curl: peer certificate cannot be authenticated


def test_https_only_is_403_on_http_and_200_on_https_with_requests(https_emulator, cf_https):
    http_port, https_port = ports(https_emulator)
    dist, _ = create(cf_https, behavior_policy("https-only"))
    assert_cloudfront_error(get(f"http://127.0.0.1:{http_port}", dist["DomainName"], "/only"), 403)
    # The distribution's own name (*.cloudfront.net) by SNI, verified with the CA.
    answer = requests.get(f"https://localhost:{https_port}/only", headers={"Host": dist["DomainName"]},
                          verify=https_emulator.ca_path, timeout=20)
    assert answer.status_code == 200, answer.text
    assert answer.json()["path"] == "/only"
    assert answer.headers["X-Cache"] == "Miss from cloudfront"


def test_the_access_log_says_https(https_emulator, cf_https):
    http_port, https_port = ports(https_emulator)
    dist, _ = create(cf_https, behavior_policy("allow-all"))
    requests.get(f"https://localhost:{https_port}/logged", headers={"Host": dist["DomainName"]},
                 verify=https_emulator.ca_path, timeout=20)
    get(f"http://127.0.0.1:{http_port}", dist["DomainName"], "/logged")
    lines = https_emulator.call("GET", "/edge/logs", query={"distribution": dist["Id"], "limit": 5})["lines"]
    fields = [line.split("\t") for line in reversed(lines)]
    assert [f[16] for f in fields] == ["https", "http"]  # cs-protocol
    assert [f[20] for f in fields] == ["TLSv1.3", "-"]   # ssl-protocol
    assert fields[0][21].startswith("TLS_") and fields[1][21] == "-"  # ssl-cipher


def https_origin_config(domain, policy="https-only", **extra):
    origin = custom_origin("secure", domain)
    origin["CustomOriginConfig"].update(OriginProtocolPolicy=policy, **extra)
    return edge_config(origins=[origin])


def test_an_https_origin_trusted_through_origin_ca(https_emulator, cf_https, tls_origin):
    _, https_port = ports(https_emulator)
    dist, _ = create(cf_https, https_origin_config(SECURE_DOMAIN))
    answer = get(f"http://{https_emulator.health()['edge']['http']}", dist["DomainName"], "/over-tls")
    assert answer.status_code == 200, answer.text
    seen = answer.json()
    assert seen["path"] == "/over-tls"
    assert seen["headers"]["Host"] == SECURE_DOMAIN
    assert tls_origin.paths()[-1] == "/over-tls"


def test_match_viewer_reaches_the_origin_over_the_viewers_protocol(https_emulator, cf_https, origin, tls_origin):
    """match-viewer: HTTP viewers reach HTTPPort, HTTPS viewers HTTPSPort (both mapped here to the
    same address would hide it, so the origin's HTTPPort is unreachable and only TLS can answer)."""
    http_port, https_port = ports(https_emulator)
    dist, _ = create(cf_https, https_origin_config(SECURE_DOMAIN, policy="match-viewer"))
    answer = requests.get(f"https://localhost:{https_port}/matched", headers={"Host": dist["DomainName"]},
                          verify=https_emulator.ca_path, timeout=20)
    assert answer.status_code == 200, answer.text
    assert tls_origin.paths()[-1] == "/matched"
    # Over HTTP the viewer's protocol is HTTP: plaintext to the TLS origin fails, 502.
    assert_cloudfront_error(get(f"http://127.0.0.1:{http_port}", dist["DomainName"], "/plain-to-tls"), 502)


def test_an_origin_certificate_for_another_name_is_502(https_emulator, cf_https):
    dist, _ = create(cf_https, https_origin_config(WRONG_DOMAIN))
    answer = get(f"http://{https_emulator.health()['edge']['http']}", dist["DomainName"], "/wrong-name")
    assert_cloudfront_error(answer, 502)


def test_an_untrusted_origin_certificate_is_502(start_emulator, origin, tls_origin, account):
    em = start_emulator(*emulator_flags(origin, tls_origin))  # no --origin-ca: the system's CAs only
    cf = u.make_client(em.url, account)
    dist, _ = create(cf, https_origin_config(SECURE_DOMAIN))
    assert_cloudfront_error(get(f"http://{em.health()['edge']['http']}", dist["DomainName"], "/untrusted"), 502)


def test_given_certificate_files_are_served(start_emulator, origin, tls_origin, origin_pki, account):
    """--edge-cert/--edge-key: the listener presents them (here the test origin's leaf)."""
    em = start_emulator(*emulator_flags(origin, tls_origin), "--edge-cert", str(origin_pki / "leaf.pem"),
                        "--edge-key", str(origin_pki / "leaf.key"))
    cf = u.make_client(em.url, account)
    create(cf, behavior_policy("allow-all", SECURE_DOMAIN))
    https_port = int(em.health()["edge"]["https"].rpartition(":")[2])
    status, _, body = curl("--cacert", str(origin_pki / "ca.pem"), "--resolve", f"{SECURE_DOMAIN}:{https_port}:127.0.0.1",
                           f"https://{SECURE_DOMAIN}:{https_port}/given")
    assert status == 200, body
    assert requests.get(em.url + "/_emulator/edge/ca.pem", timeout=20).status_code == 404


# -- TLS failures do not hurt other viewers ------------------------------------------------------

def test_plaintext_garbage_and_stalled_handshakes_do_not_hurt_other_viewers(https_emulator, cf_https):
    _, https_port = ports(https_emulator)
    dist, _ = create(cf_https, behavior_policy("allow-all"))

    # Plain HTTP on the TLS port: the connection is closed, promptly.
    plain = socket.create_connection(("127.0.0.1", https_port), timeout=10)
    plain.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    started = time.monotonic()
    try:
        assert plain.recv(4096) == b""  # closed (or reset: what it sent was never read)
    except ConnectionResetError:
        pass
    assert time.monotonic() - started < 5
    plain.close()

    # Many stalled handshakes (a ClientHello's first bytes, then nothing), and as many that send
    # nothing at all: none holds a worker.
    stalled = []
    for i in range(40):
        s = socket.create_connection(("127.0.0.1", https_port), timeout=10)
        if i % 2 == 0:
            s.sendall(b"\x16\x03\x01\x02\x00\x01")
        stalled.append(s)
    try:
        for attempt in range(5):
            started = time.monotonic()
            answer = requests.get(f"https://localhost:{https_port}/alive-{attempt}",
                                  headers={"Host": dist["DomainName"]}, verify=https_emulator.ca_path, timeout=10)
            assert answer.status_code == 200, answer.text
            assert time.monotonic() - started < 2
        # A handshake that stalls is closed once the request deadline passes (10 s from its first byte).
        stalled[0].settimeout(20)
        started = time.monotonic()
        assert stalled[0].recv(1024) == b""
        assert time.monotonic() - started < 15
    finally:
        for s in stalled:
            s.close()


def test_a_failed_handshake_leaves_the_listener_serving(https_emulator, cf_https):
    _, https_port = ports(https_emulator)
    dist, _ = create(cf_https, behavior_policy("allow-all"))
    context = ssl.create_default_context()  # trusts the system only: the edge's CA is unknown
    for _ in range(3):
        with socket.create_connection(("127.0.0.1", https_port), timeout=10) as raw:
            with pytest.raises(ssl.SSLCertVerificationError):
                context.wrap_socket(raw, server_hostname="localhost")
    answer = requests.get(f"https://localhost:{https_port}/after", headers={"Host": dist["DomainName"]},
                          verify=https_emulator.ca_path, timeout=10)
    assert answer.status_code == 200


def test_keep_alive_and_pipelined_requests_over_tls(https_emulator, cf_https):
    """Two requests in one TLS record, the first exactly as long as the loop's first read (4 KiB):
    the second is then decrypted already, and must be served without waiting for the socket."""
    _, https_port = ports(https_emulator)
    dist, _ = create(cf_https, behavior_policy("allow-all"))
    context = ssl.create_default_context(cafile=https_emulator.ca_path)
    host = dist["DomainName"]
    first = f"GET /one HTTP/1.1\r\nHost: {host}\r\nX-Pad: "
    first += "p" * (4096 - len(first) - 4) + "\r\n\r\n"
    assert len(first) == 4096
    second = f"GET /two HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", https_port), timeout=4) as raw:
        with context.wrap_socket(raw, server_hostname=host) as tls:
            tls.sendall((first + second).encode())
            received = b""
            while chunk := tls.recv(65536):
                received += chunk
    text = received.decode("utf-8", "replace")
    assert text.count("HTTP/1.1 200") == 2, text
    assert text.index('"/one"') < text.index('"/two"')


@pytest.mark.parametrize("flags, says", [
    (["--edge-cert", "/nonexistent/cert.pem"], "--edge-cert and --edge-key go together"),
    (["--edge-cert", "/nonexistent/cert.pem", "--edge-key", "/nonexistent/key.pem"], "/nonexistent/cert.pem"),
    (["--origin-ca", "/nonexistent/ca.pem"], "--origin-ca"),
])
def test_bad_tls_flags_stop_the_emulator_saying_why(flags, says):
    done = subprocess.run([str(u.BINARY), "--port", "0", *flags], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert says in done.stderr
