"""Shared helpers for the CloudFront Local end-to-end tests.

Everything here talks to a real emulator process through real clients: boto3, raw HTTP with
`requests` (for what boto3 refuses to send), and the emulator's own control plane.
"""

import contextlib
import datetime
import os
import re
import sys
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import botocore.session
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from botocore.serialize import create_serializer

REPO = Path(__file__).resolve().parents[2]
# The pytest plugin, importable without installing it.
HELPERS = REPO / "tests" / "helpers" / "python"
if str(HELPERS) not in sys.path:
    sys.path.insert(0, str(HELPERS))
pytest.register_assert_rewrite("pytest_cloudfront_local")
import pytest_cloudfront_local as cfl  # noqa: E402

BINARY = Path(os.environ.get("CFL_BINARY", REPO / "build" / "cloudfront-local"))

API_VERSION = "2020-05-31"
NS = "http://cloudfront.amazonaws.com/doc/2020-05-31/"
DEFAULT_ACCOUNT = "123456789012"
# Managed cache policy "CachingOptimized".
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"

ID_RE = re.compile(r"^E[A-Z0-9]{13}$")
ETAG_RE = re.compile(r"^[A-Z0-9]{13,14}$")
DOMAIN_RE = re.compile(r"^d[a-z0-9]{13}\.cloudfront\.net$")
STREAMING_DOMAIN_RE = re.compile(r"^s[a-z0-9]{13}\.cloudfront\.net$")
LISTEN_RE = re.compile(r"^cloudfront-local listening on (http://([^:/]+):(\d+))$")
TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


# --------------------------------------------------------------------------------------------
# The emulator process: the pytest plugin's (tests/helpers/python), so the suite runs what users run
# --------------------------------------------------------------------------------------------

class Emulator(cfl.Emulator):
    """The plugin's Emulator (a running cloudfront-local on a free port, also a Control); a start
    that fails fails the test with the reason instead of raising."""

    def __init__(self, *flags, binary=None, startup_timeout=15.0):
        try:
            super().__init__(*flags, binary=binary or BINARY, startup_timeout=startup_timeout)
        except cfl.EmulatorStartError as error:
            pytest.fail(str(error), pytrace=False)


# --------------------------------------------------------------------------------------------
# Clients
# --------------------------------------------------------------------------------------------

make_client = cfl.make_client


_SERVICE_MODEL = botocore.session.get_session().get_service_model("cloudfront")
_SERIALIZER = create_serializer("rest-xml", include_validation=True)


def serialize_body(operation, params):
    """The XML body botocore would send for `operation` with `params` (bytes)."""
    op = _SERVICE_MODEL.operation_model(operation)
    req = _SERIALIZER.serialize_to_request(params, op)
    body = req["body"]
    return body if isinstance(body, bytes) else body.encode("utf-8")


class Raw:
    """Raw HTTP to the emulator with `requests`, SigV4-signed with `access_key` (None: unsigned)."""

    def __init__(self, url, access_key=None):
        self.url = url
        self.access_key = access_key

    def request(self, method, path, body=None, headers=None, sign=True, access_key=None,
                timeout=20):
        full = self.url + path
        hdrs = dict(headers or {})
        key = access_key if access_key is not None else self.access_key
        if isinstance(body, str):
            body = body.encode("utf-8")
        if sign and key is not None:
            aws_req = AWSRequest(method=method, url=full, data=body or b"", headers=hdrs)
            SigV4Auth(Credentials(key, "x"), "cloudfront", "us-east-1").add_auth(aws_req)
            hdrs = dict(aws_req.headers.items())
        return requests.request(method, full, data=body, headers=hdrs, timeout=timeout,
                                allow_redirects=False)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


# --------------------------------------------------------------------------------------------
# Configs
# --------------------------------------------------------------------------------------------

def unique_ref(prefix="e2e"):
    return f"{prefix}-{uuid.uuid4()}"


def dist_config(comment="CloudFront Local e2e", caller_reference=None, **overrides):
    """A minimal, realistic DistributionConfig (an S3 origin, a managed cache policy)."""
    cfg = {
        "CallerReference": caller_reference or unique_ref("dist"),
        "Comment": comment,
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "my-bucket-origin",
                    "DomainName": "my-bucket.s3.us-east-1.amazonaws.com",
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                }
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "my-bucket-origin",
            "ViewerProtocolPolicy": "redirect-to-https",
            "CachePolicyId": CACHING_OPTIMIZED,
        },
    }
    cfg.update(overrides)
    return cfg


def streaming_config(comment="CloudFront Local e2e streaming", caller_reference=None,
                     **overrides):
    cfg = {
        "CallerReference": caller_reference or unique_ref("rtmp"),
        "S3Origin": {
            "DomainName": "my-media-bucket.s3.amazonaws.com",
            "OriginAccessIdentity": "",
        },
        "Comment": comment,
        "TrustedSigners": {"Enabled": False, "Quantity": 0},
        "Enabled": True,
    }
    cfg.update(overrides)
    return cfg


def dist_config_xml(caller_reference=None, comment="raw xml", enabled=True, origin_id="o1",
                    target_origin_id=None, extra="", oai=""):
    """The same minimal config, hand-written, for raw requests (oai: the origin's
    "origin-access-identity/cloudfront/ID", or none)."""
    ref = caller_reference or unique_ref("raw")
    target = origin_id if target_origin_id is None else target_origin_id
    return (
        f'<DistributionConfig xmlns="{NS}">'
        f"<CallerReference>{ref}</CallerReference>"
        "<Origins><Quantity>1</Quantity><Items><Origin>"
        f"<Id>{origin_id}</Id><DomainName>my-bucket.s3.us-east-1.amazonaws.com</DomainName>"
        f"<S3OriginConfig><OriginAccessIdentity>{oai}</OriginAccessIdentity></S3OriginConfig>"
        "</Origin></Items></Origins>"
        "<DefaultCacheBehavior>"
        f"<TargetOriginId>{target}</TargetOriginId>"
        "<ViewerProtocolPolicy>redirect-to-https</ViewerProtocolPolicy>"
        f"<CachePolicyId>{CACHING_OPTIMIZED}</CachePolicyId>"
        "</DefaultCacheBehavior>"
        f"<Comment>{comment}</Comment>"
        f"<Enabled>{'true' if enabled else 'false'}</Enabled>"
        f"{extra}"
        "</DistributionConfig>"
    )


# --------------------------------------------------------------------------------------------
# Assertions
# --------------------------------------------------------------------------------------------

@contextlib.contextmanager
def expect_error(code, status):
    """`with expect_error('PreconditionFailed', 412): client.call(...)`"""
    with pytest.raises(ClientError) as ei:
        yield ei
    resp = ei.value.response
    got = (resp.get("Error", {}).get("Code"), resp["ResponseMetadata"]["HTTPStatusCode"])
    assert got == (code, status), f"expected {code} {status}, got {got}: {resp}"
    assert resp["ResponseMetadata"].get("RequestId"), f"error without a request id: {resp}"


def local(tag):
    return tag.rsplit("}", 1)[-1]


def parse_error(resp):
    """Check the AWS error XML shape of a raw `requests` response; return its fields."""
    assert resp.headers.get("Content-Type", "").startswith("text/xml"), resp.headers
    root = ET.fromstring(resp.content)
    assert local(root.tag) == "ErrorResponse", resp.text
    assert root.tag == f"{{{NS}}}ErrorResponse", f"namespace of the error: {root.tag}"
    children = {local(c.tag): c for c in root}
    assert set(children) == {"Error", "RequestId"}, resp.text
    err = {local(c.tag): (c.text or "") for c in children["Error"]}
    assert {"Type", "Code", "Message"} <= set(err), resp.text
    request_id = children["RequestId"].text or ""
    assert request_id, resp.text
    assert resp.headers.get("x-amzn-RequestId") == request_id, (
        resp.headers.get("x-amzn-RequestId"), request_id)
    return {"type": err["Type"], "code": err["Code"], "message": err["Message"],
            "request_id": request_id}


def assert_raw_error(resp, status, code, message_contains=None):
    assert resp.status_code == status, (resp.status_code, resp.text)
    err = parse_error(resp)
    assert err["code"] == code, err
    assert err["type"] == "Sender", err
    if message_contains is not None:
        assert message_contains in err["message"], err
    return err


def assert_subset(sent, got, path="config"):
    """Every value the caller sent comes back unchanged (the service may add more)."""
    if isinstance(sent, dict):
        assert isinstance(got, dict), f"{path}: {got!r} is not a structure"
        for k, v in sent.items():
            assert k in got, f"{path}.{k} missing from the answer"
            assert_subset(v, got[k], f"{path}.{k}")
    elif isinstance(sent, list):
        assert isinstance(got, list) and len(got) == len(sent), f"{path}: {got!r} != {sent!r}"
        for i, (a, b) in enumerate(zip(sent, got)):
            assert_subset(a, b, f"{path}[{i}]")
    else:
        assert got == sent, f"{path}: {got!r} != {sent!r}"


def assert_empty_list(obj, path):
    assert obj is not None, f"{path} missing"
    assert obj.get("Quantity") == 0, f"{path}: {obj}"
    assert obj.get("Items", []) == [], f"{path}: {obj}"


def assert_recent(ts, slack=300):
    assert isinstance(ts, datetime.datetime), ts
    assert ts.tzinfo is not None, ts
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((now - ts).total_seconds()) < slack, f"{ts} is not close to {now}"


def assert_defaults(cfg):
    """The fields the service fills in for the minimal config (CLOUDFRONT.md's list)."""
    assert_empty_list(cfg.get("Aliases"), "Aliases")
    assert_empty_list(cfg.get("OriginGroups"), "OriginGroups")
    assert_empty_list(cfg.get("CacheBehaviors"), "CacheBehaviors")
    assert_empty_list(cfg.get("CustomErrorResponses"), "CustomErrorResponses")
    origin = cfg["Origins"]["Items"][0]
    assert origin.get("OriginPath") == "", origin
    assert_empty_list(origin.get("CustomHeaders"), "Origin.CustomHeaders")
    assert origin.get("ConnectionAttempts") == 3, origin
    assert origin.get("ConnectionTimeout") == 10, origin
    assert origin.get("OriginShield", {}).get("Enabled") is False, origin
    dcb = cfg["DefaultCacheBehavior"]
    allowed = dcb.get("AllowedMethods")
    assert allowed is not None, dcb
    assert allowed["Quantity"] == 2 and sorted(allowed["Items"]) == ["GET", "HEAD"], allowed
    cached = allowed.get("CachedMethods")
    assert cached is not None, allowed
    assert cached["Quantity"] == 2 and sorted(cached["Items"]) == ["GET", "HEAD"], cached
    assert dcb.get("SmoothStreaming") is False, dcb
    assert dcb.get("Compress") is False, dcb
    assert_empty_list(dcb.get("LambdaFunctionAssociations"), "LambdaFunctionAssociations")
    assert_empty_list(dcb.get("FunctionAssociations"), "FunctionAssociations")
    assert dcb.get("FieldLevelEncryptionId") == "", dcb
    assert cfg.get("Logging") == {"Enabled": False, "IncludeCookies": False, "Bucket": "",
                                  "Prefix": ""}, cfg.get("Logging")
    assert cfg.get("PriceClass") == "PriceClass_All"
    vc = cfg.get("ViewerCertificate", {})
    assert vc.get("CloudFrontDefaultCertificate") is True, vc
    assert vc.get("MinimumProtocolVersion") == "TLSv1", vc
    assert vc.get("CertificateSource") == "cloudfront", vc
    geo = cfg.get("Restrictions", {}).get("GeoRestriction")
    assert geo is not None, cfg.get("Restrictions")
    assert geo.get("RestrictionType") == "none" and geo.get("Quantity") == 0, geo
    assert geo.get("Items", []) == [], geo
    assert cfg.get("WebACLId") == ""
    assert cfg.get("HttpVersion") == "http2"
    assert cfg.get("IsIPV6Enabled") is True
    assert cfg.get("Staging") is False


def wait_deployed(cf, dist_id, streaming=False):
    name = "streaming_distribution_deployed" if streaming else "distribution_deployed"
    cf.get_waiter(name).wait(Id=dist_id, WaiterConfig={"Delay": 1, "MaxAttempts": 10})


def list_all_ids(cf):
    ids, marker = [], ""
    while True:
        page = cf.list_distributions(Marker=marker)["DistributionList"]
        ids += [d["Id"] for d in page.get("Items", [])]
        if not page["IsTruncated"]:
            return ids
        marker = page["NextMarker"]
