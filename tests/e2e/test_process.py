"""The emulator as a process: flags, first line, health, logging, clean shutdown."""

import signal
import socket
import subprocess
import time

import requests

import e2e_util as u


def _run(*args, timeout=10):
    return subprocess.run([str(u.BINARY), *args], capture_output=True, text=True, timeout=timeout)


def test_first_line_and_defaults(emulator):
    assert emulator.first_line == f"cloudfront-local listening on {emulator.url}"
    assert emulator.host == "127.0.0.1"
    assert emulator.port > 0


def test_health(url):
    r = requests.get(url + "/_emulator/health", timeout=5)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json"), r.headers
    body = r.json()
    assert body["status"] == "ok"
    assert isinstance(body["version"], str) and body["version"]


def test_help_and_version(url):
    h = _run("--help")
    assert h.returncode == 0, h.stderr
    for flag in ["--host", "--port", "--db", "--propagation-delay", "--account-id",
                 "--max-distributions", "--log-level", "--help", "--version"]:
        assert flag in h.stdout, f"--help does not mention {flag}:\n{h.stdout}"
    v = _run("--version")
    assert v.returncode == 0, v.stderr
    version = requests.get(url + "/_emulator/health", timeout=5).json()["version"]
    assert version in v.stdout, (version, v.stdout)


def test_bad_flags_are_refused():
    accepted = []
    for args in (["--no-such-flag"], ["--port", "not-a-port"], ["--propagation-delay", "-1"],
                 ["--propagation-delay", "soon"], ["--max-distributions", "many"]):
        try:
            # --port 0 first, so that a flag that is wrongly accepted does not take port 4750.
            p = _run("--port", "0", *args, timeout=3)
        except subprocess.TimeoutExpired:
            accepted.append((args, "started and kept running"))
            continue
        if p.returncode == 0 or "listening" in p.stdout:
            accepted.append((args, p.returncode, p.stdout, p.stderr))
        else:
            assert p.stderr.strip(), f"{args}: refused without a word on stderr"
    assert not accepted, accepted


def test_explicit_port_and_host(start_emulator):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    em = start_emulator("--host", "127.0.0.1", "--port", str(port))
    assert em.first_line == f"cloudfront-local listening on http://127.0.0.1:{port}"
    assert em.port == port


def test_one_log_line_per_request(start_emulator, make_client, new_account):
    em = start_emulator("--propagation-delay", "0")

    def lines():
        return [ln for ln in em.stderr_text().splitlines() if ln.strip()]

    time.sleep(0.2)
    before = len(lines())
    cf = make_client(new_account(), em.url)
    cf.list_distributions()
    cf.create_distribution(DistributionConfig=u.dist_config())
    try:
        cf.get_distribution(Id="E0000000000000")
    except Exception:  # noqa: BLE001 - the 404 is logged too
        pass
    requests.get(em.url + "/2020-05-31/streaming-distribution", timeout=5)
    time.sleep(0.3)
    new = lines()[before:]
    assert len(new) == 4, new
    assert any("404" in ln for ln in new), new
    assert any("201" in ln for ln in new), new


def test_sigint_and_sigterm_exit_cleanly(start_emulator):
    em = start_emulator("--propagation-delay", "0")
    assert em.stop(signal.SIGINT) == 0
    em2 = start_emulator("--propagation-delay", "0")
    # With an idle keep-alive connection open.
    sess = requests.Session()
    assert sess.get(em2.url + "/_emulator/health", timeout=5).status_code == 200
    t0 = time.monotonic()
    assert em2.stop(signal.SIGTERM) == 0
    assert time.monotonic() - t0 < 5, "shutdown waited for the idle connection"
    sess.close()


def test_a_second_emulator_on_the_same_db_is_refused(start_emulator, make_client, account, dist_config,
                                                     tmp_path):
    # Each process keeps the records in memory: two on one file would overwrite each other's writes.
    db = tmp_path / "shared.db"
    first = start_emulator("--db", str(db))
    p = _run("--port", "0", "--db", str(db))
    assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
    assert "listening" not in p.stdout
    assert "locked by another open store" in p.stderr, p.stderr
    cf = make_client(account, first.url)
    cf.create_distribution(DistributionConfig=dist_config())
    assert cf.list_distributions()["DistributionList"]["Quantity"] == 1
