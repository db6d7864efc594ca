"""Crash safety of `--db FILE`: kill -9 at a random moment loses no acknowledged write.

A writer thread streams creates, updates and deletes and records every write the emulator
acknowledged (id, ETag, Comment). The emulator is killed with SIGKILL at a random moment,
restarted on the same file, and every acknowledged write must be there exactly (the same ETag
and config; deleted ones gone). The one write in flight at the kill may have landed or not, never
half. `PRAGMA integrity_check` must pass on the file as the crash left it and after the end.
Repeated over one file, so later rounds also check the writes of earlier ones.
"""

import os
import random
import shutil
import signal
import sqlite3
import threading
import time
import xml.etree.ElementTree as ET

import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import e2e_util as u

ROUNDS = 10
BASE = f"/{u.API_VERSION}/distribution"


class Signed:
    def __init__(self, url, account):
        self.url, self.account = url, account
        self.session = requests.Session()

    def request(self, method, path, body=b"", headers=None, timeout=10):
        full = self.url + path
        # identity: Content-Length then counts the bytes that r.content holds
        aws = AWSRequest(method=method, url=full, data=body,
                         headers={"Accept-Encoding": "identity", **(headers or {})})
        SigV4Auth(Credentials(self.account, "x"), "cloudfront", "us-east-1").add_auth(aws)
        r = self.session.request(method, full, data=body, headers=dict(aws.headers.items()),
                                 timeout=timeout)
        # Debian's urllib3 does not enforce Content-Length: a body cut short by the kill is a
        # dropped connection, not an answer.
        expected = r.headers.get("Content-Length")
        if expected is not None and int(expected) != len(r.content):
            raise requests.ConnectionError(f"truncated answer: {len(r.content)} of {expected} bytes")
        return r


def text_of(resp, name):
    found = ET.fromstring(resp.content).find(f"{{{u.NS}}}{name}")
    return None if found is None else (found.text or "")


def integrity(db_path):
    con = sqlite3.connect(db_path)
    try:
        return con.execute("PRAGMA integrity_check").fetchall()
    finally:
        con.close()


def copy_crash_image(db, scratch):
    """The database as the kill left it (main file, WAL, shared memory), copied aside."""
    scratch.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(str(db) + suffix):
            shutil.copy(str(db) + suffix, str(scratch / "image.db") + suffix)
    return scratch / "image.db"


class Writer(threading.Thread):
    """Creates, updates and deletes until stopped or until the server is gone."""

    def __init__(self, client, state, rng, round_):
        super().__init__(daemon=True)
        self.client, self.state, self.rng, self.round = client, state, rng, round_
        self.stop_flag = threading.Event()
        self.inflight = None  # (kind, id or None, comment, enabled) of the write not yet acknowledged
        self.acked = 0
        self.error = None  # anything but a dropped connection fails the test

    def run(self):
        seq = 0
        try:
            while not self.stop_flag.is_set():
                seq += 1
                comment = f"r{self.round}-w{seq}"
                live = [i for i, s in self.state.items() if not s["deleted"]]
                roll = self.rng.random()
                if not live or roll < 0.4:
                    self.create(comment)
                elif roll < 0.9:
                    self.update(self.rng.choice(live), comment, enabled=True)
                else:
                    self.retire(self.rng.choice(live), comment)
        except (requests.RequestException, OSError):
            return  # the server was killed; self.inflight says what was on the wire
        except Exception as e:  # noqa: BLE001 - reported by the test
            self.error = e

    def create(self, comment):
        ref = u.unique_ref("crash")
        self.inflight = ("create", None, comment, True)
        r = self.client.request("POST", BASE, u.dist_config_xml(caller_reference=ref, comment=comment).encode())
        assert r.status_code == 201, r.text
        dist_id = text_of(r, "Id")
        self.state[dist_id] = {"ref": ref, "etag": r.headers["ETag"], "comment": comment, "enabled": True,
                               "deleted": False}
        self.inflight = None
        self.acked += 1

    def update(self, dist_id, comment, enabled):
        s = self.state[dist_id]
        self.inflight = ("update", dist_id, comment, enabled)
        r = self.client.request("PUT", f"{BASE}/{dist_id}/config",
                                u.dist_config_xml(caller_reference=s["ref"], comment=comment,
                                                  enabled=enabled).encode(),
                                {"If-Match": s["etag"]})
        assert r.status_code == 200, r.text
        s.update(etag=r.headers["ETag"], comment=comment, enabled=enabled)
        self.inflight = None
        self.acked += 1

    def retire(self, dist_id, comment):
        """Disable (an update), then delete: propagation is 0, so it is Deployed at once."""
        self.update(dist_id, comment, enabled=False)
        s = self.state[dist_id]
        self.inflight = ("delete", dist_id, comment, False)
        r = self.client.request("DELETE", f"{BASE}/{dist_id}", headers={"If-Match": s["etag"]})
        assert r.status_code == 204, r.text
        s["deleted"] = True
        self.inflight = None
        self.acked += 1


def verify(url, account, state, inflight):
    client = Signed(url, account)
    problems = []
    for dist_id, s in state.items():
        r = client.request("GET", f"{BASE}/{dist_id}/config")
        landed = inflight is not None and inflight[1] == dist_id
        if s["deleted"]:
            if r.status_code != 404:
                problems.append(f"{dist_id}: deleted (acknowledged) but answers {r.status_code}")
            continue
        if r.status_code == 404 and landed and inflight[0] == "delete":
            s["deleted"] = True  # the in-flight delete landed
            continue
        if r.status_code != 200:
            problems.append(f"{dist_id}: acknowledged but answers {r.status_code} {r.text[:200]}")
            continue
        etag, comment = r.headers["ETag"], text_of(r, "Comment")
        if text_of(r, "CallerReference") != s["ref"]:
            problems.append(f"{dist_id}: CallerReference {text_of(r, 'CallerReference')!r}, expected {s['ref']!r}")
            continue
        if (etag, comment) == (s["etag"], s["comment"]):
            if text_of(r, "Enabled") != ("true" if s["enabled"] else "false"):
                problems.append(f"{dist_id}: Enabled {text_of(r, 'Enabled')}, the acknowledged write said "
                                f"{s['enabled']}")
            continue
        if landed and inflight[0] == "update" and comment == inflight[2] and etag != s["etag"]:
            s.update(etag=etag, comment=comment, enabled=inflight[3])  # the in-flight update landed
            if text_of(r, "Enabled") != ("true" if inflight[3] else "false"):
                problems.append(f"{dist_id}: the in-flight update landed only in part")
            continue
        problems.append(f"{dist_id}: expected ETag {s['etag']} Comment {s['comment']!r}, "
                        f"found {etag} {comment!r} (in flight: {inflight})")

    # Nothing else exists, except perhaps the create that was in flight.
    listed, marker = [], ""
    while True:
        r = client.request("GET", f"{BASE}?MaxItems=100" + (f"&Marker={marker}" if marker else ""))
        assert r.status_code == 200, r.text
        root = ET.fromstring(r.content)
        for summary in root.iter(f"{{{u.NS}}}DistributionSummary"):
            listed.append((summary.find(f"{{{u.NS}}}Id").text, summary.find(f"{{{u.NS}}}Comment").text or ""))
        if text_of(r, "IsTruncated") != "true":
            break
        marker = text_of(r, "NextMarker")
    extra = [(i, c) for i, c in listed if i not in state]
    if inflight is not None and inflight[0] == "create" and len(extra) == 1 and extra[0][1] == inflight[2]:
        state[extra[0][0]] = None  # landed; its ETag is unknown: adopt it below
        r = client.request("GET", f"{BASE}/{extra[0][0]}/config")
        state[extra[0][0]] = {"ref": text_of(r, "CallerReference"), "etag": r.headers["ETag"],
                              "comment": inflight[2], "enabled": True, "deleted": False}
        extra = []
    if extra:
        problems.append(f"unexpected distributions: {extra} (in flight: {inflight})")
    client.session.close()
    return problems


def test_kill_9_loses_no_acknowledged_write(tmp_path, account):
    seed = int(os.environ.get("CFL_CRASH_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    db = tmp_path / "crash.db"
    flags = ("--db", str(db), "--propagation-delay", "0", "--max-distributions", "100000",
             "--log-level", "warn")
    state = {}
    total_acked = 0
    started = time.monotonic()

    for round_ in range(ROUNDS):
        em = u.Emulator(*flags)
        try:
            if round_ > 0:
                # The previous round's crash image, served again: check it before writing more.
                problems = verify(em.url, account, state, inflight)
                assert not problems, f"seed {seed}, after the kill of round {round_ - 1}:\n" + "\n".join(problems)
            writer = Writer(Signed(em.url, account), state, rng, round_)
            writer.start()
            time.sleep(rng.uniform(0.1, 0.5))
            os.kill(em.proc.pid, signal.SIGKILL)  # a random moment in the stream of writes
            em.proc.wait(5)
            writer.stop_flag.set()
            writer.join(10)
            assert not writer.is_alive(), "the writer hung on a killed server"
            assert writer.error is None, f"seed {seed}, round {round_}: the writer failed: {writer.error!r}"
            inflight = writer.inflight
            total_acked += writer.acked
        finally:
            em.kill()
        image = copy_crash_image(db, tmp_path / f"image-{round_}")
        assert integrity(image) == [("ok",)], f"seed {seed}: the crash image of round {round_} is corrupt"

    em = u.Emulator(*flags)
    try:
        problems = verify(em.url, account, state, inflight)
        assert not problems, f"seed {seed}, after the last kill:\n" + "\n".join(problems)
    finally:
        rc = em.stop()
    assert rc == 0, f"the final emulator exited with {rc}"
    assert integrity(db) == [("ok",)]
    live = sum(1 for s in state.values() if not s["deleted"])
    print(f"seed {seed}: {ROUNDS} kills, {total_acked} acknowledged writes, {len(state)} distributions "
          f"({live} live), {time.monotonic() - started:.1f}s")
    assert total_acked >= ROUNDS, f"seed {seed}: only {total_acked} acknowledged writes: the test proved little"
    assert time.monotonic() - started < 60, "the crash rounds are too slow"
