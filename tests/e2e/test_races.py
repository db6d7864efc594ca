"""Races: many clients at once on one ETag or one CallerReference, repeated a few rounds.

Each thread has its own `requests` session, connected (kept alive) before a barrier releases
them all; requests are SigV4-signed like boto3's. The emulator gets enough worker threads that
every connection is served at once (`--threads`), so the requests really overlap. Both stores:
in memory and a SQLite file (`--db`).
"""

import threading
import xml.etree.ElementTree as ET

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import e2e_util as u

UPDATERS = 64
CREATORS = 32
ROUNDS = 4


@pytest.fixture(params=["memory", "file"])
def racing_emulator(request, start_emulator, tmp_path):
    """Both stores: in memory, and a SQLite file (WAL) as with --db."""
    db = ["--db", str(tmp_path / "race.db")] if request.param == "file" else []
    return start_emulator("--threads", str(UPDATERS + 32), "--propagation-delay", "0", *db)


class Client:
    """One keep-alive connection, signed for one account."""

    def __init__(self, url, account):
        self.url = url
        self.account = account
        self.session = requests.Session()

    def connect(self):
        r = self.session.get(self.url + "/_emulator/health", timeout=10)
        assert r.status_code == 200, r.text

    def request(self, method, path, body=b"", headers=None):
        full = self.url + path
        aws = AWSRequest(method=method, url=full, data=body, headers=dict(headers or {}))
        SigV4Auth(Credentials(self.account, "x"), "cloudfront", "us-east-1").add_auth(aws)
        return self.session.request(method, full, data=body, headers=dict(aws.headers.items()),
                                    timeout=30)

    def close(self):
        self.session.close()


def text_of(resp, name):
    root = ET.fromstring(resp.content)
    found = root.find(f"{{{u.NS}}}{name}")
    return None if found is None else (found.text or "")


def race(clients, send):
    """Connect every client, release them together, return [(status, response or exception)]."""
    for c in clients:
        c.connect()
    barrier = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def worker(i):
        try:
            barrier.wait(30)
            results[i] = send(i, clients[i])
        except Exception as e:  # noqa: BLE001 - a transport error is a result too
            results[i] = e

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a racing request never finished"
    failures = [r for r in results if not isinstance(r, requests.Response)]
    assert not failures, f"transport errors: {failures[:3]}"
    return results


def test_concurrent_updates_one_etag(racing_emulator, account):
    clients = [Client(racing_emulator.url, account) for _ in range(UPDATERS)]
    ref = u.unique_ref("race-update")
    created = clients[0].request("POST", f"/{u.API_VERSION}/distribution",
                                 u.dist_config_xml(caller_reference=ref, comment="v0").encode())
    assert created.status_code == 201, created.text
    dist_id = text_of(created, "Id")
    path = f"/{u.API_VERSION}/distribution/{dist_id}/config"

    for round_ in range(ROUNDS):
        current = clients[0].request("GET", path)
        assert current.status_code == 200, current.text
        etag = current.headers["ETag"]
        comments = [f"round-{round_}-writer-{i}" for i in range(UPDATERS)]
        bodies = [u.dist_config_xml(caller_reference=ref, comment=c).encode() for c in comments]

        results = race(clients, lambda i, c: c.request("PUT", path, bodies[i], {"If-Match": etag}))

        statuses = sorted(r.status_code for r in results)
        assert statuses == [200] + [412] * (UPDATERS - 1), f"round {round_}: {statuses}"
        (winner,) = [i for i, r in enumerate(results) if r.status_code == 200]
        for r in results:
            if r.status_code == 412:
                u.assert_raw_error(r, 412, "PreconditionFailed")
        new_etag = results[winner].headers["ETag"]
        assert new_etag != etag

        stored = clients[0].request("GET", path)
        assert stored.status_code == 200, stored.text
        assert stored.headers["ETag"] == new_etag, f"round {round_}: the stored version is not the winner's"
        assert text_of(stored, "Comment") == comments[winner], (
            f"round {round_}: stored {text_of(stored, 'Comment')!r}, winner sent {comments[winner]!r}")
    for c in clients:
        c.close()


def test_concurrent_creates_one_caller_reference(racing_emulator, account):
    clients = [Client(racing_emulator.url, account) for _ in range(CREATORS)]
    path = f"/{u.API_VERSION}/distribution"
    created_ids = []

    for round_ in range(ROUNDS):
        ref = u.unique_ref(f"race-create-{round_}")
        comments = [f"round-{round_}-creator-{i}" for i in range(CREATORS)]
        bodies = [u.dist_config_xml(caller_reference=ref, comment=c).encode() for c in comments]

        results = race(clients, lambda i, c: c.request("POST", path, bodies[i]))

        statuses = sorted(r.status_code for r in results)
        assert statuses == [201] + [409] * (CREATORS - 1), f"round {round_}: {statuses}"
        (winner,) = [i for i, r in enumerate(results) if r.status_code == 201]
        dist_id = text_of(results[winner], "Id")
        assert u.ID_RE.match(dist_id), dist_id
        for r in results:
            if r.status_code == 409:
                err = u.assert_raw_error(r, 409, "DistributionAlreadyExists")
                assert dist_id in err["message"], err
        stored = clients[0].request("GET", f"{path}/{dist_id}/config")
        assert stored.status_code == 200, stored.text
        assert stored.headers["ETag"] == results[winner].headers["ETag"]
        assert text_of(stored, "Comment") == comments[winner]
        created_ids.append(dist_id)

    # Exactly one distribution per round, nothing half-created by a loser.
    listed = clients[0].request("GET", path + "?MaxItems=100")
    assert listed.status_code == 200, listed.text
    root = ET.fromstring(listed.content)
    ids = [e.text for e in root.findall(f"{{{u.NS}}}Items/{{{u.NS}}}DistributionSummary/{{{u.NS}}}Id")]
    assert sorted(ids) == sorted(created_ids), (ids, created_ids)
    for c in clients:
        c.close()


REFERRERS = 16


def test_deleting_a_referenced_identity_races_creates_that_use_it(racing_emulator, account):
    """A delete of an origin access identity against creates of distributions that use it: whatever
    wins, no distribution is left naming an identity that no longer exists (the store checks both
    inside the write transaction)."""
    clients = [Client(racing_emulator.url, account) for _ in range(REFERRERS + 1)]
    oai_path = f"/{u.API_VERSION}/origin-access-identity/cloudfront"
    for round_ in range(ROUNDS * 5):
        body = (f'<CloudFrontOriginAccessIdentityConfig xmlns="{u.NS}"><CallerReference>'
                f'{u.unique_ref("race-oai")}</CallerReference><Comment>r</Comment>'
                f'</CloudFrontOriginAccessIdentityConfig>').encode()
        created = clients[0].request("POST", oai_path, body)
        assert created.status_code == 201, created.text
        oai_id, oai_etag = text_of(created, "Id"), created.headers["ETag"]
        bodies = [u.dist_config_xml(caller_reference=u.unique_ref(f"race-ref-{round_}-{i}"),
                                    oai=f"origin-access-identity/cloudfront/{oai_id}").encode()
                  for i in range(REFERRERS)]

        def send(i, client):
            if i == REFERRERS:
                return client.request("DELETE", f"{oai_path}/{oai_id}", headers={"If-Match": oai_etag})
            return client.request("POST", f"/{u.API_VERSION}/distribution", bodies[i])

        results = race(clients, send)
        deleted = results[REFERRERS]
        creates = results[:REFERRERS]
        made = [r for r in creates if r.status_code == 201]
        for r in creates:
            if r.status_code != 201:
                u.assert_raw_error(r, 400, "InvalidOriginAccessIdentity")
        if deleted.status_code == 204:
            assert not made, f"round {round_}: {len(made)} distributions name the deleted identity {oai_id}"
        else:
            u.assert_raw_error(deleted, 409, "CloudFrontOriginAccessIdentityInUse")
            assert made, f"round {round_}: the delete was refused but no distribution uses {oai_id}"
            still = clients[0].request("GET", f"{oai_path}/{oai_id}")
            assert still.status_code == 200, still.text
    for c in clients:
        c.close()
