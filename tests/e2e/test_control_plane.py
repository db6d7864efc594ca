"""The /_emulator control plane, driven the way a test suite drives it: time, settling, run-time
settings, "another actor" updates (touch), fault rules, the request journal, reset.

These tests move the clock, change delays and reset everything, so they run against their own
emulator (module scope), never the shared session one; each test starts from a full reset.
"""

import json
import threading
import time

import pytest
import boto3
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

import e2e_util as u
from e2e_util import expect_error


class Control:
    """JSON calls to /_emulator on one emulator."""

    def __init__(self, url):
        self.base = url + "/_emulator"

    def call(self, method, path, body=None, raw=None, query=None):
        data = raw if raw is not None else (None if body is None else json.dumps(body))
        r = requests.request(method, self.base + path, data=data, params=query, timeout=10)
        assert r.headers.get("Content-Type", "").startswith("application/json"), (r.status_code, r.text)
        return r

    def ok(self, method, path, body=None, expect=200, query=None):
        r = self.call(method, path, body, query=query)
        assert r.status_code == expect, (method, path, r.status_code, r.text)
        return r.json()

    def refused(self, method, path, body=None, expect=400, raw=None, query=None):
        r = self.call(method, path, body, raw=raw, query=query)
        assert r.status_code == expect, (method, path, body, r.status_code, r.text)
        message = r.json().get("error")
        assert isinstance(message, str) and message, r.text
        return message


@pytest.fixture(scope="module")
def em():
    emulator = u.Emulator("--propagation-delay", "1", "--journal-size", "50")
    yield emulator
    assert emulator.stop() == 0


@pytest.fixture
def ctl(em):
    control = Control(em.url)
    control.ok("POST", "/reset", {})
    return control


@pytest.fixture
def client(em, account):
    return u.make_client(em.url, account)


def no_retry_client(url, account):
    """boto3 retries Throttling and 5xx even with max_attempts 1 (legacy mode counts retries)."""
    return boto3.client("cloudfront", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id=account, aws_secret_access_key="x",
                        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))


def create_deployed(ctl, cf, **overrides):
    created = cf.create_distribution(DistributionConfig=u.dist_config(**overrides))
    dist_id = created["Distribution"]["Id"]
    assert ctl.ok("POST", "/settle", {"id": dist_id})["settled"] == 1
    assert cf.get_distribution(Id=dist_id)["Distribution"]["Status"] == "Deployed"
    return dist_id, created["ETag"]


def disable(cf, dist_id):
    current = cf.get_distribution_config(Id=dist_id)
    cfg = current["DistributionConfig"]
    cfg["Enabled"] = False
    return cf.update_distribution(Id=dist_id, IfMatch=current["ETag"], DistributionConfig=cfg)["ETag"]


# --------------------------------------------------------------------------------------------
# The seed 412 race, reproduced with touch
# --------------------------------------------------------------------------------------------

def test_disable_then_delete_loses_the_race_to_a_touch_then_succeeds_after_rereading(ctl, client, account):
    cf = client
    dist_id, _ = create_deployed(ctl, cf, comment="race")

    # The developer disables the distribution and waits for it to deploy.
    disabled_etag = disable(cf, dist_id)
    ctl.ok("POST", "/settle", {"id": dist_id})
    before = cf.get_distribution(Id=dist_id)
    assert before["Distribution"]["Status"] == "Deployed"
    assert before["Distribution"]["DistributionConfig"]["Enabled"] is False

    # Meanwhile someone else re-enables it through the API.
    time.sleep(0.002)  # a different LastModifiedTime millisecond
    touched = ctl.ok("POST", f"/resources/{dist_id}/touch", {"enabled": True, "comment": "re-enabled by ops"})
    assert touched["id"] == dist_id and touched["account"] == account
    assert touched["kind"] == "distribution" and touched["status"] == "InProgress"
    assert touched["previous_etag"] == disabled_etag
    assert u.ETAG_RE.match(touched["etag"]) and touched["etag"] != disabled_etag
    assert touched["enabled"] is True and touched["comment"] == "re-enabled by ops"

    # The developer's delete with the ETag of their own update: 412, nothing deleted.
    with pytest.raises(cf.exceptions.PreconditionFailed) as lost:
        cf.delete_distribution(Id=dist_id, IfMatch=disabled_etag)
    assert lost.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412

    # Re-reading shows what happened: a new version, enabled, in progress again.
    reread = cf.get_distribution(Id=dist_id)
    assert reread["ETag"] == touched["etag"]
    assert reread["Distribution"]["Status"] == "InProgress"
    assert reread["Distribution"]["DistributionConfig"]["Enabled"] is True
    assert reread["Distribution"]["DistributionConfig"]["Comment"] == "re-enabled by ops"
    assert reread["Distribution"]["LastModifiedTime"] > before["Distribution"]["LastModifiedTime"]
    assert u.TIMESTAMP_RE.match(touched["last_modified"])

    # Disable again with the current ETag, wait (the clock, not a sleep), delete: it works.
    final_etag = disable(cf, dist_id)
    ctl.ok("POST", "/clock", {"advance_seconds": 2})
    cf.get_waiter("distribution_deployed").wait(Id=dist_id, WaiterConfig={"Delay": 1, "MaxAttempts": 2})
    deleted = cf.delete_distribution(Id=dist_id, IfMatch=final_etag)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with expect_error("NoSuchDistribution", 404):
        cf.get_distribution(Id=dist_id)


def test_touch_streaming_distribution_and_errors(ctl, client, account, new_account):
    cf = client
    created = cf.create_streaming_distribution(StreamingDistributionConfig=u.streaming_config())
    sid, etag = created["StreamingDistribution"]["Id"], created["ETag"]
    # Found in the given account; not in another one.
    ctl.refused("POST", f"/resources/{sid}/touch", {"account": new_account()}, expect=404)
    touched = ctl.ok("POST", f"/resources/{sid}/touch", {"account": account, "comment": "touched"})
    assert touched["kind"] == "streaming-distribution" and touched["previous_etag"] == etag
    got = cf.get_streaming_distribution(Id=sid)
    assert got["ETag"] == touched["etag"]
    assert got["StreamingDistribution"]["StreamingDistributionConfig"]["Comment"] == "touched"
    assert got["StreamingDistribution"]["StreamingDistributionConfig"]["Enabled"] is True
    # No body at all is a plain new version.
    again = ctl.ok("POST", f"/resources/{sid}/touch")
    assert again["previous_etag"] == touched["etag"] != again["etag"]

    ctl.refused("POST", "/resources/ENOSUCHTHING00/touch", {}, expect=404)
    ctl.refused("POST", f"/resources/{sid}/touch", {"enabled": "yes"})
    ctl.refused("POST", f"/resources/{sid}/touch", {"comment": 7})
    ctl.refused("POST", f"/resources/{sid}/touch", {"colour": "blue"})
    ctl.refused("POST", f"/resources/{sid}/touch", {"account": "12"})
    # The family's rules apply: a comment over 128 characters is refused, nothing changes.
    message = ctl.refused("POST", f"/resources/{sid}/touch", {"comment": "x" * 200})
    assert "InvalidArgument" in message
    assert cf.get_streaming_distribution(Id=sid)["ETag"] == again["etag"]


# --------------------------------------------------------------------------------------------
# Time: settle, delays, the clock
# --------------------------------------------------------------------------------------------

def test_long_delay_gives_distribution_not_disabled_then_settle_lets_the_delete_pass(ctl, client):
    cf = client
    config = ctl.ok("PATCH", "/config", {"propagation_delay_seconds": 3600})
    assert config["propagation_delay_seconds"] == 3600
    assert ctl.ok("GET", "/config")["propagation_delay_seconds"] == 3600

    created = cf.create_distribution(DistributionConfig=u.dist_config())
    dist_id = created["Distribution"]["Id"]
    etag = disable(cf, dist_id)
    assert cf.get_distribution(Id=dist_id)["Distribution"]["Status"] == "InProgress"
    with pytest.raises(cf.exceptions.DistributionNotDisabled) as refused:
        cf.delete_distribution(Id=dist_id, IfMatch=etag)
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409

    ctl.refused("POST", "/settle", {"id": "ENOSUCHTHING00"}, expect=404)
    assert ctl.ok("POST", "/settle", {"id": dist_id})["settled"] == 1
    got = cf.get_distribution(Id=dist_id)
    assert got["Distribution"]["Status"] == "Deployed"
    assert got["ETag"] == etag  # settling never rotates the ETag
    assert cf.delete_distribution(Id=dist_id, IfMatch=etag)["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_settle_everything_or_one_account(ctl, em, new_account):
    ctl.ok("PATCH", "/config", {"propagation_delay_seconds": 3600})
    a, b = new_account(), new_account()
    cfa, cfb = u.make_client(em.url, a), u.make_client(em.url, b)
    da = cfa.create_distribution(DistributionConfig=u.dist_config())["Distribution"]["Id"]
    db = cfb.create_distribution(DistributionConfig=u.dist_config())["Distribution"]["Id"]
    assert ctl.ok("POST", "/settle", {"account": a})["settled"] == 1
    assert cfa.get_distribution(Id=da)["Distribution"]["Status"] == "Deployed"
    assert cfb.get_distribution(Id=db)["Distribution"]["Status"] == "InProgress"
    ctl.refused("POST", "/settle", {"id": db, "account": a}, expect=404)
    assert ctl.ok("POST", "/settle", {})["settled"] == 1
    assert cfb.get_distribution(Id=db)["Distribution"]["Status"] == "Deployed"
    ctl.refused("POST", "/settle", {"id": 5})


def test_waiter_made_instant_by_advancing_the_clock(ctl, client):
    cf = client
    ctl.ok("PATCH", "/config", {"propagation_delay_seconds": 600})
    before = ctl.ok("GET", "/clock")
    assert before["offset_seconds"] == 0 and u.TIMESTAMP_RE.match(before["now"])
    dist_id = cf.create_distribution(DistributionConfig=u.dist_config())["Distribution"]["Id"]
    assert cf.get_distribution(Id=dist_id)["Distribution"]["Status"] == "InProgress"

    advanced = ctl.ok("POST", "/clock", {"advance_seconds": 600})
    assert advanced["offset_seconds"] == 600
    assert advanced["now_ms"] - before["now_ms"] >= 600_000
    t0 = time.monotonic()
    cf.get_waiter("distribution_deployed").wait(Id=dist_id, WaiterConfig={"Delay": 5, "MaxAttempts": 2})
    assert time.monotonic() - t0 < 1, "the waiter should succeed on its first poll"
    # Timestamps the API writes follow the moved clock too.
    created = cf.create_distribution(DistributionConfig=u.dist_config())
    assert created["Distribution"]["LastModifiedTime"].timestamp() * 1000 >= advanced["now_ms"]

    ctl.refused("POST", "/clock", {"advance_seconds": -1})
    ctl.refused("POST", "/clock", {"advance_seconds": "10"})
    ctl.refused("POST", "/clock", {})
    assert ctl.ok("GET", "/clock")["offset_seconds"] == 600
    reset = ctl.ok("POST", "/reset")
    assert reset["clock"]["offset_seconds"] == 0
    assert reset["config"]["propagation_delay_seconds"] == 1  # back to the flag's value


def test_config_validation(ctl):
    start = ctl.ok("GET", "/config")
    assert start == {"propagation_delay_seconds": 1, "invalidation_delay_seconds": 0,
                     "max_distributions": 500, "function_time_limit_ms": 50, "function_memory_limit_mb": 16}
    for bad in ({"propagation_delay_seconds": -1}, {"propagation_delay_seconds": "5"},
                {"invalidation_delay_seconds": None, "nope": 1}, {"max_distributions": 1.5},
                {"max_distributions": -3}, {"function_time_limit_ms": 0}, {"function_memory_limit_mb": 2048}):
        ctl.refused("PATCH", "/config", bad)
    assert ctl.ok("GET", "/config") == start, "a refused PATCH changes nothing"
    ctl.refused("PATCH", "/config", raw="{not json")
    ctl.refused("PATCH", "/config", raw="[1, 2]")
    changed = ctl.ok("PATCH", "/config", {"invalidation_delay_seconds": 2.5, "max_distributions": 7,
                                          "function_time_limit_ms": 200})
    assert changed == {"propagation_delay_seconds": 1, "invalidation_delay_seconds": 2.5,
                       "max_distributions": 7, "function_time_limit_ms": 200, "function_memory_limit_mb": 16}


def test_max_distributions_at_run_time(ctl, client):
    ctl.ok("PATCH", "/config", {"max_distributions": 1})
    client.create_distribution(DistributionConfig=u.dist_config())
    with expect_error("TooManyDistributions", 400):
        client.create_distribution(DistributionConfig=u.dist_config())


# --------------------------------------------------------------------------------------------
# Fault rules
# --------------------------------------------------------------------------------------------

def test_fault_rule_fires_exactly_count_times_with_the_real_error_shape(ctl, em, client, account):
    cf = client
    dist_id, _ = create_deployed(ctl, cf)
    etag = disable(cf, dist_id)
    ctl.ok("POST", "/settle", {"id": dist_id})
    before = cf.get_distribution(Id=dist_id)

    rule = ctl.ok("POST", "/faults", {"operation": "DeleteDistribution", "error": "PreconditionFailed",
                                      "count": 2, "resource_id": dist_id}, expect=201)
    assert rule["id"] and rule["remaining"] == 2 and rule["status"] == 412

    raw = u.Raw(em.url, account).delete(f"/2020-05-31/distribution/{dist_id}", headers={"If-Match": etag})
    err = u.assert_raw_error(raw, 412, "PreconditionFailed", "preconditions")
    assert raw.headers["x-amzn-RequestId"] == err["request_id"]
    listed = ctl.ok("GET", "/faults")["faults"]
    assert [(f["id"], f["remaining"], f["fired"]) for f in listed] == [(rule["id"], 1, 1)]

    with pytest.raises(cf.exceptions.PreconditionFailed) as second:
        cf.delete_distribution(Id=dist_id, IfMatch=etag)
    meta = second.value.response["ResponseMetadata"]
    assert meta["HTTPStatusCode"] == 412 and meta["RequestId"]
    assert ctl.ok("GET", "/faults")["faults"] == [], "an exhausted rule is removed"

    # The faulted requests changed nothing.
    after = cf.get_distribution(Id=dist_id)
    assert after["ETag"] == before["ETag"]
    assert after["Distribution"] == before["Distribution"]

    journal = ctl.ok("GET", "/requests", query={"operation": "DeleteDistribution"})["requests"]
    assert [(c["status"], c["fault"], c["fault_rule"]) for c in journal] == [
        (412, True, rule["id"]), (412, True, rule["id"])]
    assert journal[0]["request_id"] == meta["RequestId"]

    # The third delete is served normally.
    assert cf.delete_distribution(Id=dist_id, IfMatch=etag)["ResponseMetadata"]["HTTPStatusCode"] == 204


@pytest.mark.parametrize("code,status,message", [
    ("Throttling", 400, "Rate exceeded"),
    ("InternalError", 500, None),
    ("ServiceUnavailable", 503, None),
    ("AccessDenied", 403, None),
    ("TooManyDistributions", 400, None),
])
def test_fault_rule_error_codes(ctl, em, account, code, status, message):
    client = no_retry_client(em.url, account)
    ctl.ok("POST", "/faults", {"operation": "ListDistributions", "error": code}, expect=201)
    with pytest.raises(ClientError) as raised:
        client.list_distributions()
    response = raised.value.response
    assert response["Error"]["Code"] == code
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    if message:
        assert response["Error"]["Message"] == message
    # The raw answer is CloudFront's error document.
    ctl.ok("POST", "/faults", {"operation": "ListDistributions", "error": code}, expect=201)
    raw = u.Raw(em.url, account).get("/2020-05-31/distribution")
    assert raw.status_code == status
    err = u.parse_error(raw)
    assert err["code"] == code
    assert err["type"] == ("Receiver" if status >= 500 else "Sender")
    assert client.list_distributions()["DistributionList"]["Quantity"] == 0


def test_fault_rule_matching_by_account_resource_and_operation(ctl, em, account, new_account):
    cf = no_retry_client(em.url, account)
    other = u.make_client(em.url, new_account())
    d1 = cf.create_distribution(DistributionConfig=u.dist_config())["Distribution"]["Id"]
    d2 = cf.create_distribution(DistributionConfig=u.dist_config())["Distribution"]["Id"]
    ctl.ok("POST", "/faults", {"operation": "GetDistribution", "error": "NoSuchDistribution",
                               "resource_id": d2, "account": account}, expect=201)
    other.list_distributions()                      # another operation
    with expect_error("NoSuchDistribution", 404):
        other.get_distribution(Id=d2)               # another account: its own real 404
    assert ctl.ok("GET", "/faults")["faults"][0]["remaining"] == 1
    cf.get_distribution(Id=d1)                      # another resource
    cf.get_distribution_config(Id=d2)               # another operation on the resource
    assert ctl.ok("GET", "/faults")["faults"][0]["remaining"] == 1
    with expect_error("NoSuchDistribution", 404):
        cf.get_distribution(Id=d2)                  # the match
    cf.get_distribution(Id=d2)

    # Tagging names its resource by ARN; "*" matches every operation.
    arn = cf.get_distribution(Id=d1)["Distribution"]["ARN"]
    ctl.ok("POST", "/faults", {"operation": "*", "error": "Throttling", "resource_id": d1}, expect=201)
    with expect_error("Throttling", 400):
        cf.list_tags_for_resource(Resource=arn)
    cf.list_tags_for_resource(Resource=arn)


def test_fault_count_is_exact_under_concurrency(ctl, em, new_account):
    acct = new_account()
    ctl.ok("POST", "/faults", {"operation": "ListDistributions", "error": "ServiceUnavailable", "count": 5},
           expect=201)
    n = 24
    barrier = threading.Barrier(n)
    statuses = [None] * n

    def worker(i):
        raw = u.Raw(em.url, acct)
        barrier.wait()
        statuses[i] = raw.get("/2020-05-31/distribution").status_code

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(statuses) == [200] * (n - 5) + [503] * 5, statuses
    assert ctl.ok("GET", "/faults")["faults"] == []


def test_delay_only_fault_slows_a_request_then_serves_it(ctl, em, account):
    client = no_retry_client(em.url, account)
    ctl.ok("POST", "/faults", {"operation": "ListDistributions", "delay_ms": 400}, expect=201)
    t0 = time.monotonic()
    listed = client.list_distributions()
    slow = time.monotonic() - t0
    assert listed["DistributionList"]["Quantity"] == 0
    assert slow >= 0.4, slow
    t0 = time.monotonic()
    client.list_distributions()
    assert time.monotonic() - t0 < 0.3
    calls = ctl.ok("GET", "/requests", query={"operation": "ListDistributions"})["requests"]
    assert [c["fault"] for c in calls] == [False, True]
    assert calls[1]["duration_ms"] >= 400 and calls[1]["status"] == 200 and calls[1]["error_code"] is None
    # Delay and error together: late, then the error.
    ctl.ok("POST", "/faults", {"operation": "ListDistributions", "delay_ms": 200, "error": "Throttling"},
           expect=201)
    t0 = time.monotonic()
    with expect_error("Throttling", 400):
        client.list_distributions()
    assert time.monotonic() - t0 >= 0.2


def test_fault_rule_input_and_removal(ctl):
    for bad in ({"operation": "DeleteDistribution", "error": "NoSuchError"},
                {"operation": "DeleteDistributionz", "error": "PreconditionFailed"},
                {"error": "PreconditionFailed"},
                {"operation": "DeleteDistribution"},
                {"operation": "DeleteDistribution", "error": "PreconditionFailed", "count": 0},
                {"operation": "DeleteDistribution", "error": "PreconditionFailed", "count": "2"},
                {"operation": "DeleteDistribution", "error": "PreconditionFailed", "account": "abc"},
                {"operation": "DeleteDistribution", "error": "PreconditionFailed", "delay_ms": -5},
                {"operation": "DeleteDistribution", "error": "PreconditionFailed", "typo": 1},
                {"operation": 5, "error": "PreconditionFailed"}):
        ctl.refused("POST", "/faults", bad)
    ctl.refused("POST", "/faults", raw="nope")
    assert ctl.ok("GET", "/faults")["faults"] == []

    first = ctl.ok("POST", "/faults", {"operation": "GetDistribution", "error": "AccessDenied", "count": 3},
                   expect=201)["id"]
    second = ctl.ok("POST", "/faults", {"operation": "UpdateDistribution", "error": "InternalError",
                                        "message": "boom"}, expect=201)["id"]
    listed = ctl.ok("GET", "/faults")["faults"]
    assert [f["id"] for f in listed] == [first, second]
    assert listed[1]["message"] == "boom" and listed[1]["status"] == 500
    assert ctl.ok("DELETE", f"/faults/{first}") == {"removed": first}
    ctl.refused("DELETE", f"/faults/{first}", expect=404)
    assert [f["id"] for f in ctl.ok("GET", "/faults")["faults"]] == [second]
    assert ctl.ok("DELETE", "/faults") == {"removed": 1}
    assert ctl.ok("GET", "/faults")["faults"] == []


# --------------------------------------------------------------------------------------------
# The request journal
# --------------------------------------------------------------------------------------------

def test_journal_lists_calls_newest_first_with_filters(ctl, em, client, account, new_account):
    cf = client
    created = cf.create_distribution(DistributionConfig=u.dist_config())
    dist_id, etag = created["Distribution"]["Id"], created["ETag"]
    got = cf.get_distribution(Id=dist_id)
    with expect_error("NoSuchDistribution", 404):
        cf.get_distribution(Id="ENOSUCHTHING00")
    with expect_error("PreconditionFailed", 412):
        cf.update_distribution(Id=dist_id, IfMatch="ESTALEETAG0000",
                               DistributionConfig=got["Distribution"]["DistributionConfig"])
    u.make_client(em.url, new_account()).list_distributions()

    calls = ctl.ok("GET", "/requests", query={"account": account})["requests"]
    assert [c["operation"] for c in calls] == ["UpdateDistribution", "GetDistribution", "GetDistribution",
                                               "CreateDistribution"]
    update, missing, get, create = calls
    assert create["method"] == "POST" and create["path"] == "/2020-05-31/distribution"
    assert create["status"] == 201 and create["etag"] == etag and create["error_code"] is None
    assert create["request_id"] == created["ResponseMetadata"]["RequestId"]
    assert get["status"] == 200 and get["etag"] == etag and get["path"] == f"/2020-05-31/distribution/{dist_id}"
    assert missing["status"] == 404 and missing["error_code"] == "NoSuchDistribution"
    assert update["method"] == "PUT" and update["if_match"] == "ESTALEETAG0000"
    assert update["status"] == 412 and update["error_code"] == "PreconditionFailed" and update["etag"] is None
    for call in calls:
        assert call["account"] == account and call["fault"] is False
        assert u.TIMESTAMP_RE.match(call["time"]) and call["duration_ms"] >= 0
    assert [c["time_ms"] for c in calls] == sorted((c["time_ms"] for c in calls), reverse=True)

    def journal(**query):
        return ctl.ok("GET", "/requests", query=query)["requests"]

    assert [c["status"] for c in journal(operation="GetDistribution", account=account)] == [404, 200]
    assert [c["operation"] for c in journal(status="412")] == ["UpdateDistribution"]
    assert [c["operation"] for c in journal(error="NoSuchDistribution")] == ["GetDistribution"]
    newest = ctl.ok("GET", "/requests", query={"limit": "1"})["requests"]
    assert len(newest) == 1 and newest[0]["operation"] == "ListDistributions" and newest[0]["account"] != account
    assert ctl.ok("GET", "/requests")["capacity"] == 50
    # Control calls are not API calls.
    assert all(c["operation"] for c in ctl.ok("GET", "/requests")["requests"])

    for bad in ({"status": "abc"}, {"limit": "-1"}, {"color": "red"}):
        ctl.refused("GET", "/requests", query=bad)
    assert ctl.ok("DELETE", "/requests") == {"cleared": True}
    assert ctl.ok("GET", "/requests")["requests"] == []


def test_journal_survives_paths_that_are_not_utf8(ctl, em, account):
    raw = u.Raw(em.url, account)
    assert raw.get("/2020-05-31/distribution/%ff%fe").status_code == 404
    calls = ctl.ok("GET", "/requests", query={"account": account})["requests"]
    assert [(c["operation"], c["status"]) for c in calls] == [("GetDistribution", 404)]
    assert calls[0]["path"].startswith("/2020-05-31/distribution/")


def test_journal_is_a_bounded_ring(ctl, client):
    for _ in range(60):
        client.list_distributions()
    calls = ctl.ok("GET", "/requests", query={"limit": "1000"})["requests"]
    assert len(calls) == 50


# --------------------------------------------------------------------------------------------
# Reset, health, input errors
# --------------------------------------------------------------------------------------------

def test_reset_one_account_then_everything(ctl, em, new_account):
    a, b = new_account(), new_account()
    cfa, cfb = u.make_client(em.url, a), u.make_client(em.url, b)
    da = cfa.create_distribution(DistributionConfig=u.dist_config())["Distribution"]["Id"]
    sa = cfa.create_streaming_distribution(StreamingDistributionConfig=u.streaming_config())
    db = cfb.create_distribution(DistributionConfig=u.dist_config())["Distribution"]["Id"]
    ctl.ok("POST", "/faults", {"operation": "GetDistribution", "error": "Throttling", "account": a}, expect=201)
    ctl.ok("POST", "/faults", {"operation": "GetDistribution", "error": "Throttling", "account": b,
                               "count": 9}, expect=201)

    assert ctl.ok("POST", "/reset", {"account": a}) == {"reset": "account", "account": a}
    assert cfa.list_distributions()["DistributionList"]["Quantity"] == 0
    assert cfa.list_streaming_distributions()["StreamingDistributionList"]["Quantity"] == 0
    with expect_error("NoSuchDistribution", 404):
        cfa.get_distribution(Id=da)  # and the account's fault rule went with it
    assert sa["StreamingDistribution"]["Id"]
    assert [f["account"] for f in ctl.ok("GET", "/faults")["faults"]] == [b]
    assert {c["account"] for c in ctl.ok("GET", "/requests")["requests"]} == {a, b}
    assert [c["operation"] for c in ctl.ok("GET", "/requests", query={"account": a})["requests"]] == [
        "GetDistribution", "ListStreamingDistributions", "ListDistributions"], "older calls of a are gone"
    ctl.ok("DELETE", "/faults")
    assert cfb.get_distribution(Id=db)["Distribution"]["Id"] == db
    # A fresh create in the reset account may reuse nothing but works as new.
    cfa.create_distribution(DistributionConfig=u.dist_config())

    ctl.ok("POST", "/clock", {"advance_seconds": 30})
    ctl.ok("POST", "/faults", {"operation": "ListDistributions", "error": "Throttling"}, expect=201)
    everything = ctl.ok("POST", "/reset")
    assert everything["reset"] == "all" and everything["clock"]["offset_seconds"] == 0
    assert ctl.ok("GET", "/faults")["faults"] == []
    assert ctl.ok("GET", "/requests")["requests"] == []
    assert ctl.ok("GET", "/health")["resources"] == {}
    assert cfb.list_distributions()["DistributionList"]["Quantity"] == 0
    ctl.refused("POST", "/reset", {"account": "not-an-account"})
    ctl.refused("POST", "/reset", {"accounts": [a]})


def test_health_counts_resources(ctl, client):
    client.create_distribution(DistributionConfig=u.dist_config())
    client.create_distribution(DistributionConfig=u.dist_config())
    client.create_streaming_distribution(StreamingDistributionConfig=u.streaming_config())
    health = ctl.ok("GET", "/health")
    assert health["status"] == "ok" and health["version"]
    assert health["uptime_seconds"] > 0
    assert health["resources"] == {"distribution": 2, "streaming-distribution": 1}


def test_unknown_paths_wrong_methods_and_bad_bodies(ctl):
    ctl.refused("GET", "/nope", expect=404)
    ctl.refused("GET", "/faults/x/y", expect=404)
    ctl.refused("GET", "", expect=404)
    r = ctl.call("DELETE", "/clock")
    assert r.status_code == 405, r.text
    assert set(r.headers["Allow"].split(", ")) == {"GET", "POST"}
    assert r.json()["error"]
    ctl.refused("POST", "/health", expect=405)
    ctl.refused("GET", "/resources/E1/touch", expect=405)
    ctl.refused("PUT", "/faults", expect=405)
    ctl.refused("POST", "/reset", raw="{")
    ctl.refused("POST", "/settle", raw='"just a string"')
    ctl.refused("POST", "/settle", {"id": "E1", "extra": True})
