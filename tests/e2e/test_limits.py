"""Limits of the HTTP edge: body size, headers, stalled clients, many idle connections.

The settings live in emulator/http/request_framing.h and connection_loop.h (README, "HTTP
limits"): a 1 MiB body limit (413 RequestEntityTooLarge, however the body is framed), at most 100
header fields / 64 KB of headers and 8 KB per header line (400 MalformedInput), 8 KB request line
(414), a 10 s deadline per request from its first byte (408), a 5 s keep-alive timeout, and
connections that hold no thread while they wait. Every test is bounded to a few seconds.
"""

import resource
import socket
import threading
import time

import pytest
import requests

import e2e_util as u

MIB = 1 << 20
REQUEST_DEADLINE = 10  # seconds from a request's first byte to its last, as configured
IDLE_TIMEOUT = 5  # seconds a connection may wait between requests
LIST = f"/{u.API_VERSION}/distribution"


@pytest.fixture
def edge(start_emulator):
    return start_emulator("--propagation-delay", "0", "--log-level", "warn")


def raw_exchange(em, data, timeout=10, shutdown_write=False):
    """Send bytes on a fresh connection; return (seconds, everything read until close or timeout)."""
    s = socket.create_connection((em.host, em.port), timeout=timeout)
    started = time.monotonic()
    try:
        s.sendall(data)
        if shutdown_write:
            s.shutdown(socket.SHUT_WR)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            out += chunk
            head, sep, body = out.partition(b"\r\n\r\n")
            if sep and b"content-length:" in head.lower():
                length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                if len(body) >= length:
                    break
        return time.monotonic() - started, out
    finally:
        s.close()


def status_of(raw):
    assert raw.startswith(b"HTTP/1.1 "), raw[:200]
    return int(raw.split(b" ", 2)[1])


def body_of(raw):
    return raw.partition(b"\r\n\r\n")[2]


def assert_serving(em, account="123456789012", within=2.0):
    started = time.monotonic()
    r = u.Raw(em.url, account).get(LIST, timeout=10)
    took = time.monotonic() - started
    assert r.status_code == 200, r.text
    assert took < within, f"a plain ListDistributions took {took:.2f}s"
    return took


class FakeResponse:
    """What u.parse_error needs, built from a raw HTTP answer."""

    def __init__(self, raw):
        head, _, self.content = raw.partition(b"\r\n\r\n")
        self.text = self.content.decode("utf-8", "replace")
        self.status_code = status_of(raw)
        self.headers = requests.structures.CaseInsensitiveDict()
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.decode("latin-1").partition(":")
            self.headers[name.strip()] = value.strip()


# --------------------------------------------------------------------------------------------
# Body size
# --------------------------------------------------------------------------------------------

def test_body_over_one_mib_is_413(edge, account):
    raw = u.Raw(edge.url, account)
    r = raw.post(LIST, body=b"x" * (MIB + 1))
    err = u.assert_raw_error(r, 413, "RequestEntityTooLarge")
    assert "1048577" in err["message"] and "1048576" in err["message"], err
    # Exactly the limit is read and parsed (and is not a distribution config).
    r = raw.post(LIST, body=b"x" * MIB)
    u.assert_raw_error(r, 400, "MalformedInput")
    # A chunked body (no Content-Length) is held to the same limit.
    r = raw.post(LIST, body=iter([b"x" * (MIB // 2)] * 3), sign=False)
    u.assert_raw_error(r, 413, "RequestEntityTooLarge")
    assert_serving(edge, account)


def test_oversized_body_keeps_the_connection_usable(edge, account):
    session = requests.Session()
    r = session.post(edge.url + LIST, data=b"<x/>" * (MIB // 2), timeout=10)
    assert r.status_code == 413, r.text
    u.parse_error(r)
    # The same keep-alive session (or a new connection, if the server asked to close) still works.
    r = session.get(edge.url + LIST, timeout=10)
    assert r.status_code == 200, r.text
    session.close()


def test_huge_body_is_refused_before_it_is_sent_when_the_client_asks(edge):
    """Expect: 100-continue (curl does this for big bodies): 413 at once, no body read."""
    took, answer = raw_exchange(
        edge, f"POST {LIST} HTTP/1.1\r\nHost: x\r\nContent-Length: {50 * MIB}\r\n"
              "Expect: 100-continue\r\n\r\n".encode())
    assert status_of(answer) == 413, answer[:300]
    err = u.parse_error(FakeResponse(answer))
    assert err["code"] == "RequestEntityTooLarge" and str(50 * MIB) in err["message"], err
    assert took < 1.0, took
    # A body within the limit is still welcome after asking.
    took, answer = raw_exchange(
        edge, f"POST {LIST} HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n"
              "Connection: close\r\n\r\n<x/>".encode())
    assert b"100 Continue" in answer and b"400 Bad Request" in answer, answer[:300]
    assert_serving(edge)


# --------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("headers, status, words", [
    ({f"X-Many-{i}": "v" for i in range(200)}, 400, "header fields"),
    ({f"X-Big-{i}": "v" * 4000 for i in range(20)}, 400, "header fields"),
    ({"X-Huge": "v" * 10_000}, 400, "8 KB"),
], ids=["200-headers", "80KB-of-headers", "10KB-header-line"])
def test_too_many_or_too_large_headers(edge, headers, status, words):
    r = requests.get(edge.url + LIST, headers=headers, timeout=10)
    err = u.assert_raw_error(r, status, "MalformedInput")
    assert words in err["message"], err
    assert_serving(edge)


def test_normal_headers_pass(edge, account):
    # What SDKs send, plus a generous margin: well under the limits.
    headers = {f"X-Amz-Meta-{i}": "v" * 100 for i in range(40)}
    r = u.Raw(edge.url, account).get(LIST, headers=headers)
    assert r.status_code == 200, r.text


def test_request_line_over_8kb_is_414(edge):
    _, answer = raw_exchange(edge, f"GET {LIST}/{'E' * 9000} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert status_of(answer) == 414, answer[:300]
    u.parse_error(FakeResponse(answer))
    assert_serving(edge)


# --------------------------------------------------------------------------------------------
# Slow and stalled clients
# --------------------------------------------------------------------------------------------

def test_stalled_request_times_out_while_others_are_served(edge):
    results = {}

    def stall():
        results["stalled"] = raw_exchange(edge, f"GET {LIST} HTTP/1.1\r\nHost: x\r\n".encode(),
                                          timeout=REQUEST_DEADLINE + 5)

    def stall_body():
        results["stalled_body"] = raw_exchange(
            edge, f"POST {LIST} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n<Distr".encode(),
            timeout=REQUEST_DEADLINE + 5)

    threads = [threading.Thread(target=stall), threading.Thread(target=stall_body)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    worst = max(assert_serving(edge, within=1.0) for _ in range(20))
    for t in threads:
        t.join(REQUEST_DEADLINE + 10)
    for name in ("stalled", "stalled_body"):
        took, answer = results[name]
        assert REQUEST_DEADLINE - 0.5 < took < REQUEST_DEADLINE + 3, f"{name}: dropped after {took:.1f}s"
        assert status_of(answer) == 408, answer[:300]
        assert u.parse_error(FakeResponse(answer))["code"] == "RequestTimeout"
    assert worst < 1.0


def test_slow_but_steady_client_is_served(edge):
    """A request that arrives in pieces within its deadline is served."""
    s = socket.create_connection((edge.host, edge.port), timeout=10)
    started = time.monotonic()
    for piece in (f"GET {LIST} HTTP/1.1\r\n".encode(), b"Host: x\r\n", b"Connection: close\r\n", b"\r\n"):
        s.sendall(piece)
        time.sleep(0.7)
    answer = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        answer += chunk
    s.close()
    assert status_of(answer) == 200, answer[:300]
    assert time.monotonic() - started < 5


# --------------------------------------------------------------------------------------------
# Many idle connections
# --------------------------------------------------------------------------------------------

def _raise_fd_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            pytest.skip(f"needs {needed} file descriptors, the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def test_thousands_of_idle_connections_do_not_starve_new_clients(start_emulator, account):
    """2000 connections that never send anything, against 8 worker threads: new clients are
    still served at once (the idle ones are never handed to a worker)."""
    n = 2000
    _raise_fd_limit(n + 1000)
    em = start_emulator("--threads", "8", "--propagation-delay", "0", "--log-level", "warn")
    idle = []
    try:
        for _ in range(n):
            idle.append(socket.create_connection((em.host, em.port), timeout=5))
        time.sleep(0.3)
        latencies = []
        for _ in range(30):
            started = time.monotonic()
            r = u.Raw(em.url, account).get(LIST, timeout=10)  # a new connection each time
            latencies.append(time.monotonic() - started)
            assert r.status_code == 200, r.text
        latencies.sort()
        assert latencies[-1] < 1.0, f"slowest new client with {n} idle connections: {latencies[-1]:.2f}s"
        # The idle connections are still open (nothing dropped them to make room).
        alive = 0
        for s in idle[:50]:
            s.setblocking(False)
            try:
                alive += s.recv(1) != b""
            except BlockingIOError:
                alive += 1
        assert alive == 50
    finally:
        for s in idle:
            s.close()
    assert_serving(em, account)


def test_idle_keep_alive_connections_do_not_block_new_clients(start_emulator, account):
    """300 keep-alive connections that made a request and now idle, against --threads 8: an idle
    connection holds no worker, so new clients never wait behind them."""
    n = 300
    _raise_fd_limit(n + 1000)
    em = start_emulator("--threads", "8", "--propagation-delay", "0", "--log-level", "warn")
    request = f"GET {LIST} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    held = []
    try:
        for _ in range(n):
            s = socket.create_connection((em.host, em.port), timeout=5)
            s.sendall(request)
            held.append(s)
        for s in held:  # every answer read, the connection left open
            answer = b""
            while b"</DistributionList>" not in answer:
                chunk = s.recv(65536)
                assert chunk, "the server closed a keep-alive connection early"
                answer += chunk
            assert status_of(answer) == 200
        latencies = []
        for _ in range(20):
            started = time.monotonic()
            r = requests.get(em.url + LIST, timeout=20)
            latencies.append(time.monotonic() - started)
            assert r.status_code == 200
        assert max(latencies) < 1.0, f"a new client waited {max(latencies):.2f}s behind {n} idle connections"
    finally:
        for s in held:
            s.close()


def test_idle_keep_alive_connection_is_closed_after_the_timeout(edge):
    s = socket.create_connection((edge.host, edge.port), timeout=15)
    s.sendall(f"GET {LIST} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    answer = b""
    while b"</DistributionList>" not in answer:
        answer += s.recv(65536)
    assert b"Keep-Alive: timeout=5" in answer, answer[:300]
    started = time.monotonic()
    assert s.recv(1) == b""  # closed by the server
    took = time.monotonic() - started
    s.close()
    assert IDLE_TIMEOUT - 1 < took < IDLE_TIMEOUT + 3, took
