"""Error cases: boto3 where it can send them, raw HTTP with hand-written XML where it cannot."""

import random
import socket
import time
import uuid

import pytest
import requests
from botocore.exceptions import ClientError

import e2e_util as u
from e2e_util import expect_error

DIST = "/2020-05-31/distribution"


# --------------------------------------------------------------------------------------------
# Bodies
# --------------------------------------------------------------------------------------------

def test_raw_positive_control(raw, cf):
    """The hand-written XML the negative cases mutate is itself accepted."""
    r = raw.post(DIST, body=u.dist_config_xml(comment="control"))
    assert r.status_code == 201, r.text
    assert [d["Id"] for d in cf.list_distributions()["DistributionList"]["Items"]] == \
        [r.headers["Location"].rsplit("/", 1)[1]]


MALFORMED = {
    "not xml": "this is not xml",
    "truncated": u.dist_config_xml()[:150],
    "unclosed root": u.dist_config_xml().replace("</DistributionConfig>", ""),
    "mismatched tags": u.dist_config_xml().replace("</Comment>", "</Enabled>", 1),
    "two roots": u.dist_config_xml() + u.dist_config_xml(),
    "bare text after root": u.dist_config_xml() + "trailing",
    "unclosed list": u.dist_config_xml().replace("</Items></Origins>", "</Origins>"),
    "lone lt": "<",
}


@pytest.mark.parametrize("body", list(MALFORMED.values()), ids=list(MALFORMED))
def test_malformed_xml(raw, cf, body):
    r = raw.post(DIST, body=body)
    u.assert_raw_error(r, 400, "MalformedInput")
    assert cf.list_distributions()["DistributionList"].get("Items", []) == []


SCHEMA_MISMATCH = {
    "boolean not a boolean": u.dist_config_xml().replace("<Enabled>true</Enabled>",
                                                          "<Enabled>maybe</Enabled>"),
    "quantity not an integer": u.dist_config_xml().replace("<Quantity>1</Quantity>",
                                                            "<Quantity>one</Quantity>", 1),
    "wrong root element": u.dist_config_xml().replace("DistributionConfig", "StreamingDistributionConfig"),
}


@pytest.mark.parametrize("body", list(SCHEMA_MISMATCH.values()), ids=list(SCHEMA_MISMATCH))
def test_schema_mismatch_is_a_400(raw, cf, body):
    r = raw.post(DIST, body=body)
    assert r.status_code == 400, (r.status_code, r.text)
    err = u.parse_error(r)
    assert err["code"] in ("MalformedInput", "InvalidArgument"), err
    assert cf.list_distributions()["DistributionList"].get("Items", []) == []


# Model constraints answer as CloudFront does (aws/aws-cli#6275, terraform-aws-modules/
# terraform-aws-cloudfront#44, aws/aws-sdk-php#1973): 400 MalformedXML listing every violation.
CONSTRAINT_VIOLATIONS = {
    "required Origins missing": (
        u.dist_config_xml().split("<Origins>")[0] + u.dist_config_xml().split("</Origins>")[1],
        "1 validation error detected: Value null at 'distributionConfig.origins' failed to satisfy constraint: "
        "Member must not be null"),
    "required Enabled missing": (
        u.dist_config_xml().replace("<Enabled>true</Enabled>", ""),
        "1 validation error detected: Value null at 'distributionConfig.enabled' failed to satisfy constraint: "
        "Member must not be null"),
    "enum and a nested required member": (
        u.dist_config_xml().replace("<ViewerProtocolPolicy>redirect-to-https<", "<ViewerProtocolPolicy>sometimes-https<")
        .replace("<Id>o1</Id>", ""),
        "2 validation errors detected: Value null at 'distributionConfig.origins.items.1.member.id' failed to "
        "satisfy constraint: Member must not be null; Value 'sometimes-https' at "
        "'distributionConfig.defaultCacheBehavior.viewerProtocolPolicy' failed to satisfy constraint: Member must "
        "satisfy enum value set: [allow-all, https-only, redirect-to-https]"),
}


@pytest.mark.parametrize("body,message", list(CONSTRAINT_VIOLATIONS.values()), ids=list(CONSTRAINT_VIOLATIONS))
def test_constraint_violations_are_malformed_xml(raw, cf, body, message):
    r = raw.post(DIST, body=body)
    err = u.assert_raw_error(r, 400, "MalformedXML")
    assert err["message"] == message
    assert cf.list_distributions()["DistributionList"].get("Items", []) == []


def test_constraint_violations_reach_boto3(cf, dist_config):
    cfg = dist_config()
    cfg["DefaultCacheBehavior"]["ViewerProtocolPolicy"] = "sometimes-https"
    with expect_error("MalformedXML", 400) as caught:
        cf.create_distribution(DistributionConfig=cfg)
    assert "Value 'sometimes-https' at 'distributionConfig.defaultCacheBehavior.viewerProtocolPolicy'" in \
        caught.value.response["Error"]["Message"]
    assert cf.list_distributions()["DistributionList"].get("Items", []) == []


def test_missing_body(raw, cf, dist_config):
    """No body: the payload member is null (CloudFront: "Value null at 'invalidationBatch' ... must not be null")."""
    def null_payload(member):
        return f"1 validation error detected: Value null at '{member}' failed to satisfy constraint: " \
               "Member must not be null"
    assert u.assert_raw_error(raw.post(DIST, body=b""), 400, "MalformedXML")["message"] == \
        null_payload("distributionConfig")
    assert u.assert_raw_error(raw.post(DIST + "?WithTags", body=b""), 400, "MalformedXML")["message"] == \
        null_payload("distributionConfigWithTags")
    assert u.assert_raw_error(raw.post("/2020-05-31/streaming-distribution", body=b""), 400,
                              "MalformedXML")["message"] == null_payload("streamingDistributionConfig")
    created = cf.create_distribution(DistributionConfig=dist_config())
    dist_id, etag = created["Distribution"]["Id"], created["ETag"]
    r = raw.put(f"{DIST}/{dist_id}/config", body=b"", headers={"If-Match": etag})
    assert u.assert_raw_error(r, 400, "MalformedXML")["message"] == null_payload("distributionConfig")
    assert cf.get_distribution_config(Id=dist_id)["ETag"] == etag
    assert len(cf.list_distributions()["DistributionList"]["Items"]) == 1


# --------------------------------------------------------------------------------------------
# Semantic errors
# --------------------------------------------------------------------------------------------

def test_inconsistent_quantities(cf, dist_config):
    with expect_error("InconsistentQuantities", 400):
        cf.create_distribution(DistributionConfig=dist_config(
            Aliases={"Quantity": 2, "Items": ["one.example.com"]}))
    cfg = dist_config()
    cfg["Origins"]["Quantity"] = 2
    with expect_error("InconsistentQuantities", 400):
        cf.create_distribution(DistributionConfig=cfg)
    cfg = dist_config()
    cfg["DefaultCacheBehavior"]["AllowedMethods"] = {
        "Quantity": 3, "Items": ["GET", "HEAD"],
        "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]}}
    with expect_error("InconsistentQuantities", 400):
        cf.create_distribution(DistributionConfig=cfg)
    with expect_error("InconsistentQuantities", 400):
        cf.create_distribution(DistributionConfig=dist_config(
            CustomErrorResponses={"Quantity": 1}))
    assert cf.list_distributions()["DistributionList"].get("Items", []) == []


def test_illegal_update(cf, dist_config):
    cfg = dist_config()
    created = cf.create_distribution(DistributionConfig=cfg)
    dist_id, etag = created["Distribution"]["Id"], created["ETag"]
    with expect_error("IllegalUpdate", 400):
        cf.update_distribution(Id=dist_id, IfMatch=etag,
                               DistributionConfig=dict(cfg, CallerReference="another-ref"))
    got = cf.get_distribution_config(Id=dist_id)
    assert got["ETag"] == etag
    assert got["DistributionConfig"]["CallerReference"] == cfg["CallerReference"]


def test_cname_already_exists(cf, dist_config):
    alias = f"{uuid.uuid4().hex[:12]}.example.com"
    first = cf.create_distribution(DistributionConfig=dist_config(**u.with_aliases(alias)))
    assert first["Distribution"]["DistributionConfig"]["Aliases"] == \
        {"Quantity": 1, "Items": [alias]}
    with expect_error("CNAMEAlreadyExists", 409):
        cf.create_distribution(DistributionConfig=dist_config(**u.with_aliases(f"other-{alias}", alias)))
    # Adding it to another distribution by update fails the same way.
    second = cf.create_distribution(DistributionConfig=dist_config())
    sid, setag = second["Distribution"]["Id"], second["ETag"]
    with expect_error("CNAMEAlreadyExists", 409):
        cf.update_distribution(Id=sid, IfMatch=setag, DistributionConfig=dict(
            second["Distribution"]["DistributionConfig"], **u.with_aliases(alias)))
    assert cf.get_distribution_config(Id=sid)["ETag"] == setag
    # The owner can keep its own alias on update.
    fid = first["Distribution"]["Id"]
    upd = cf.update_distribution(Id=fid, IfMatch=first["ETag"], DistributionConfig=dict(
        first["Distribution"]["DistributionConfig"], Comment="still mine"))
    assert upd["Distribution"]["DistributionConfig"]["Aliases"]["Items"] == [alias]
    # Once the owner drops it, another distribution may take it.
    upd = cf.update_distribution(Id=fid, IfMatch=upd["ETag"], DistributionConfig=dict(
        upd["Distribution"]["DistributionConfig"], Aliases={"Quantity": 0}))
    took = cf.update_distribution(Id=sid, IfMatch=setag, DistributionConfig=dict(
        second["Distribution"]["DistributionConfig"], **u.with_aliases(alias)))
    assert took["Distribution"]["DistributionConfig"]["Aliases"]["Items"] == [alias]
    ids = [d["Id"] for d in cf.list_distributions()["DistributionList"]["Items"]]
    assert ids == [fid, sid]


def test_distribution_already_exists_names_the_existing_id(cf, dist_config):
    cfg = dist_config()
    first = cf.create_distribution(DistributionConfig=cfg)["Distribution"]["Id"]
    # Even the identical config is refused.
    with expect_error("DistributionAlreadyExists", 409) as ei:
        cf.create_distribution(DistributionConfig=cfg)
    assert first in ei.value.response["Error"]["Message"], ei.value.response["Error"]
    with expect_error("DistributionAlreadyExists", 409) as ei:
        cf.create_distribution(DistributionConfig=dict(cfg, Comment="different"))
    assert first in ei.value.response["Error"]["Message"]
    with expect_error("DistributionAlreadyExists", 409) as ei:
        cf.create_distribution_with_tags(DistributionConfigWithTags={
            "DistributionConfig": cfg, "Tags": {"Items": [{"Key": "k", "Value": "v"}]}})
    assert first in ei.value.response["Error"]["Message"]
    assert [d["Id"] for d in cf.list_distributions()["DistributionList"]["Items"]] == [first]


def test_no_such_origin(cf, dist_config):
    cfg = dist_config()
    cfg["DefaultCacheBehavior"]["TargetOriginId"] = "no-such-origin"
    with expect_error("NoSuchOrigin", 404):
        cf.create_distribution(DistributionConfig=cfg)
    cfg = dist_config(CacheBehaviors={"Quantity": 1, "Items": [{
        "PathPattern": "/images/*",
        "TargetOriginId": "missing-origin",
        "ViewerProtocolPolicy": "allow-all",
        "CachePolicyId": u.CACHING_OPTIMIZED,
    }]})
    with expect_error("NoSuchOrigin", 404):
        cf.create_distribution(DistributionConfig=cfg)
    assert cf.list_distributions()["DistributionList"].get("Items", []) == []


def test_unknown_ids(cf, raw):
    with expect_error("NoSuchDistribution", 404):
        cf.get_distribution(Id="E0000000000000")
    with expect_error("NoSuchDistribution", 404):
        cf.get_distribution_config(Id="EDOESNOTEXIST1")
    with expect_error("NoSuchDistribution", 404):
        cf.delete_distribution(Id="E0000000000000", IfMatch="E0000000000000")
    with expect_error("NoSuchDistribution", 404):
        cf.update_distribution(Id="E0000000000000", IfMatch="E0000000000000",
                               DistributionConfig=u.dist_config())
    u.assert_raw_error(raw.get(f"{DIST}/not-an-id"), 404, "NoSuchDistribution")


def test_too_many_distributions(start_emulator, make_client, new_account, dist_config,
                                streaming_config):
    em = start_emulator("--max-distributions", "3", "--propagation-delay", "0")
    a, b = new_account(), new_account()
    cfa, cfb = make_client(a, em.url), make_client(b, em.url)
    ids = [cfa.create_distribution(DistributionConfig=dist_config())["Distribution"]["Id"]
           for _ in range(3)]
    with expect_error("TooManyDistributions", 400):
        cfa.create_distribution(DistributionConfig=dist_config())
    with expect_error("TooManyDistributions", 400):
        cfa.create_distribution_with_tags(DistributionConfigWithTags={
            "DistributionConfig": dist_config(), "Tags": {"Items": []}})
    listed = cfa.list_distributions()["DistributionList"]
    assert [d["Id"] for d in listed["Items"]] == ids
    # The quota is per account.
    for _ in range(3):
        cfb.create_distribution(DistributionConfig=dist_config())
    with expect_error("TooManyDistributions", 400):
        cfb.create_distribution(DistributionConfig=dist_config())
    # Deleting one frees a slot.
    victim = ids[0]
    cfg = cfa.get_distribution_config(Id=victim)
    upd = cfa.update_distribution(Id=victim, IfMatch=cfg["ETag"], DistributionConfig=dict(
        cfg["DistributionConfig"], Enabled=False))
    assert cfa.get_distribution(Id=victim)["Distribution"]["Status"] == "Deployed"
    cfa.delete_distribution(Id=victim, IfMatch=upd["ETag"])
    cfa.create_distribution(DistributionConfig=dist_config())
    with expect_error("TooManyDistributions", 400):
        cfa.create_distribution(DistributionConfig=dist_config())


# --------------------------------------------------------------------------------------------
# Unimplemented operations
# --------------------------------------------------------------------------------------------

# Every operation of both models is implemented: tests/e2e/test_operation_coverage.py calls each one
# and holds it to what GET /_emulator/health says (none answers 501 NotImplemented).


# --------------------------------------------------------------------------------------------
# Error XML shape
# --------------------------------------------------------------------------------------------

def test_error_xml_shape_and_request_ids(raw, cf):
    seen = set()
    for _ in range(3):
        r = raw.get(f"{DIST}/E0000000000000")
        err = u.assert_raw_error(r, 404, "NoSuchDistribution")
        assert err["message"], err
        seen.add(err["request_id"])
    assert len(seen) == 3, "every response has its own request id"
    r = raw.get("/2020-05-31/streaming-distribution/E0000000000000/config")
    u.assert_raw_error(r, 404, "NoSuchStreamingDistribution")
    # boto3 sees the same request id in the header and the body.
    with expect_error("NoSuchDistribution", 404) as ei:
        cf.get_distribution(Id="E0000000000000")
    meta = ei.value.response["ResponseMetadata"]
    assert meta["HTTPHeaders"]["x-amzn-requestid"] == meta["RequestId"]


def test_success_responses_carry_a_request_id(raw, cf, dist_config):
    r = raw.get(DIST)
    assert r.status_code == 200 and r.headers.get("x-amzn-RequestId"), r.headers
    created = cf.create_distribution(DistributionConfig=dist_config(Enabled=False))
    assert created["ResponseMetadata"]["HTTPHeaders"].get("x-amzn-requestid")
    dist_id = created["Distribution"]["Id"]
    u.wait_deployed(cf, dist_id)
    r = raw.delete(f"{DIST}/{dist_id}", headers={"If-Match": created["ETag"]})
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert r.headers.get("x-amzn-RequestId"), r.headers


# --------------------------------------------------------------------------------------------
# Fuzz-ish: garbage never yields a 5xx (other than 501) and never kills the server
# --------------------------------------------------------------------------------------------

def _garbage_requests():
    rnd = random.Random(20200531)
    good = u.dist_config_xml(comment="fuzz")
    reqs = []
    # Bodies.
    bodies = [
        bytes(rnd.getrandbits(8) for _ in range(2048)),
        b"\x00" * 64,
        b"\xff\xfe<\x00D\x00/\x00>\x00",
        "<DistributionConfig>\u00e9\u4e2d</DistributionConfig>".encode("utf-8"),
        b"<DistributionConfig><Comment>\xc3\x28</Comment></DistributionConfig>",
        ("<a>" * 20000 + "</a>" * 20000).encode(),
        ("<DistributionConfig>" + "<Origins>" * 5000 + "</Origins>" * 5000
         + "</DistributionConfig>").encode(),
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
        b'"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><DistributionConfig><Comment>&lol2;'
        b"</Comment></DistributionConfig>",
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><DistributionConfig>'
        b"<Comment>&e;</Comment></DistributionConfig>",
        b"<![CDATA[<DistributionConfig/>]]>",
        b"<DistributionConfig/>",
        b"<DistributionConfig xmlns='urn:wrong'/>",
        good.replace("<Quantity>1</Quantity>", "<Quantity>-1</Quantity>", 1).encode(),
        good.replace("<Quantity>1</Quantity>", "<Quantity>4294967297</Quantity>", 1).encode(),
        good.replace("<Quantity>1</Quantity>", "<Quantity>99999999999999999999999</Quantity>",
                     1).encode(),
        good.replace("<Comment>fuzz</Comment>", "<Comment>" + "x" * 200000 + "</Comment>").encode(),
        good.replace("<Comment>fuzz</Comment>", "<Comment><b>nested</b></Comment>").encode(),
        good.replace("<Items><Origin>", "<Items><Origin><Origin>", 1).encode(),
        good.replace("</Origin></Items>", "</Origin><Bogus/></Items>", 1).encode(),
        good.replace("<CallerReference>", "<CallerReference><CallerReference>", 1).encode(),
        good.replace("<Enabled>true</Enabled>", "<Enabled>true</Enabled><Enabled>false</Enabled>").encode(),
        good.replace("<Comment>fuzz</Comment>", "<Comment>fuzz</Comment><Unknown>1</Unknown>").encode(),
        good.replace("<Comment>fuzz</Comment>", "<Aliases><Quantity>1</Quantity><Items>"
                     "<CNAME></CNAME></Items></Aliases><Comment>fuzz</Comment>").encode(),
        good.replace("<Comment>fuzz</Comment>", "<Logging><Enabled>true</Enabled></Logging>"
                     "<Comment>fuzz</Comment>").encode(),
        good.replace("<Comment>fuzz</Comment>", "<PriceClass>PriceClass_Bogus</PriceClass>"
                     "<Comment>fuzz</Comment>").encode(),
        good.replace("<Comment>fuzz</Comment>", "<ViewerCertificate><SSLSupportMethod>nope"
                     "</SSLSupportMethod></ViewerCertificate><Comment>fuzz</Comment>").encode(),
        good[: len(good) // 2].encode(),
    ]
    for b in bodies:
        reqs.append(("POST", DIST, {}, b))
        reqs.append(("POST", DIST + "?WithTags", {}, b))
        reqs.append(("POST", "/2020-05-31/streaming-distribution", {}, b))
        reqs.append(("PUT", DIST + "/E0000000000000/config", {"If-Match": "E0000000000000"}, b))
        reqs.append(("POST", "/2020-05-31/tagging?Operation=Tag&Resource=arn%3Aaws%3Acloudfront"
                     "%3A%3A123456789012%3Adistribution%2FE0000000000000", {}, b))
    # Paths and methods.
    for method, path in [
        ("GET", "/"), ("GET", "/2020-05-31"), ("GET", "/2020-05-31/"),
        ("GET", "/2020-05-31/distribution/"), ("GET", "/2020-05-31/distribution//config"),
        ("GET", "/2020-05-31/distribution/" + "A" * 8000),
        ("GET", "/2020-05-31/distribution/%2e%2e/%2e%2e/etc/passwd"),
        ("GET", "/2020-05-31/distribution/E0000000000000/config/extra"),
        ("GET", "/2020-05-31/distribution/%00"), ("GET", "/2020-05-31/distribution/%ff%fe"),
        ("GET", "/2019-03-26/distribution"), ("GET", "/nope"), ("GET", "/_emulator/nope"),
        ("PATCH", DIST), ("OPTIONS", DIST), ("TRACE", DIST), ("DELETE", DIST),
        ("PUT", DIST), ("POST", DIST + "/E0000000000000"),
        ("GET", DIST + "?MaxItems=abc"), ("GET", DIST + "?MaxItems=-1"),
        ("GET", DIST + "?MaxItems=0"), ("GET", DIST + "?MaxItems=99999999999999999999999"),
        ("GET", DIST + "?Marker=%00%01"), ("GET", DIST + "?Marker=" + "Z" * 5000),
        ("GET", DIST + "?MaxItems=1&MaxItems=2"), ("GET", DIST + "?%zz=%zz"),
        ("GET", "/2020-05-31/streaming-distribution?MaxItems=abc"),
        ("GET", "/2020-05-31/tagging"), ("GET", "/2020-05-31/tagging?Resource="),
        ("GET", "/2020-05-31/tagging?Resource=garbage"),
        ("GET", "/2020-05-31/tagging?Resource=arn%3Aaws%3Acloudfront%3A%3A1%3Adistribution%2F"),
        ("POST", "/2020-05-31/tagging"), ("POST", "/2020-05-31/tagging?Operation=Nope"),
        ("POST", "/2020-05-31/tagging?Operation=Tag"),
        ("DELETE", DIST + "/E0000000000000"),
    ]:
        reqs.append((method, path, {}, None))
    # Headers.
    for headers in [
        {"Authorization": "AWS4-HMAC-SHA256"},
        {"Authorization": "AWS4-HMAC-SHA256 Credential="},
        {"Authorization": "AWS4-HMAC-SHA256 Credential=/"},
        {"Authorization": "AWS4-HMAC-SHA256 Credential=////, SignedHeaders=, Signature="},
        {"Authorization": "AWS4-HMAC-SHA256 Credential=1234567890123/20240101/us-east-1/"
                          "cloudfront/aws4_request, SignedHeaders=host, Signature=00"},
        {"Authorization": "AWS4-HMAC-SHA256 Credential=12345678901/x"},
        {"Authorization": "AWS4-HMAC-SHA256 Credential=" + "9" * 5000 + "/x"},
        {"Authorization": "Basic Zm9vOmJhcg=="},
        {"Authorization": "\u00ff\u00fe".encode("latin-1")},
        {"X-Amz-Date": "not-a-date"},
        {"If-Match": "x" * 8000},
        {"Content-Type": "application/json"},
        {"Expect": "100-continue"},
    ]:
        reqs.append(("GET", DIST, headers, None))
        reqs.append(("POST", DIST, headers, good.replace("fuzz", "fuzz-h").encode()))
        reqs.append(("DELETE", DIST + "/E0000000000000", dict(headers, **{"If-Match": "E1"}), None))
    return reqs


def test_garbage_never_breaks_the_server(url, new_account, emulator):
    raw = u.Raw(url, new_account())
    problems = []
    for i, (method, path, headers, body) in enumerate(_garbage_requests()):
        desc = f"#{i} {method} {path[:80]} {str(headers)[:80]} body={body[:60]!r}" \
            if body else f"#{i} {method} {path[:80]} {str(headers)[:80]}"
        try:
            if "Authorization" in headers:  # unsigned, so the hand-written one is what arrives
                r = requests.request(method, url + path, data=body, headers=headers, timeout=20)
            else:
                r = raw.request(method, path, body=body, headers=headers)
        except requests.RequestException as e:
            problems.append(f"{desc}: transport error {e!r}")
            if not emulator.alive():
                break
            continue
        if r.status_code >= 500 and r.status_code != 501:
            problems.append(f"{desc}: HTTP {r.status_code} {r.text[:300]}")
        elif path.startswith("/_emulator/"):
            continue  # the control plane answers JSON, not CloudFront's wire format
        elif not r.headers.get("x-amzn-RequestId"):
            problems.append(f"{desc}: HTTP {r.status_code} without x-amzn-RequestId")
        elif r.status_code >= 400 and method != "HEAD":
            try:
                u.parse_error(r)
            except (AssertionError, Exception) as e:  # noqa: BLE001 - report any shape problem
                problems.append(f"{desc}: HTTP {r.status_code} not an AWS XML error "
                                f"({e!r}): {r.text[:200]!r}")
    assert emulator.alive(), "the emulator died during the garbage batch"
    health = requests.get(url + "/_emulator/health", timeout=5)
    assert health.status_code == 200
    assert not problems, "\n".join(problems)
    # And it still works.
    cf = u.make_client(url, new_account())
    created = cf.create_distribution(DistributionConfig=u.dist_config())
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201


def test_slow_and_broken_connections_do_not_hang_the_server(url, emulator):
    host, port = emulator.host, emulator.port
    # Half a request, then close; a header-less close; a connection that says nothing.
    for payload in [b"POST /2020-05-31/distribution HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n<Dis",
                    b"GARBAGE\r\n\r\n", b"", b"GET / HTTP/9.9\r\n\r\n"]:
        s = socket.create_connection((host, port), timeout=5)
        if payload:
            s.sendall(payload)
        s.close()
    idle = socket.create_connection((host, port), timeout=5)
    try:
        t0 = time.monotonic()
        r = requests.get(url + "/_emulator/health", timeout=5)
        assert r.status_code == 200
        assert time.monotonic() - t0 < 2, "an idle connection blocks other clients"
    finally:
        idle.close()
    assert emulator.alive()
