"""--verify-signatures: SigV4 checked as AWS checks it.

The good path is boto3 itself (botocore's signer). The bad paths sign a request with botocore's
SigV4Auth, tamper with it, send it with `requests`, and expect CloudFront's 403 with the exact
code and message, and nothing changed. Without the flag, anything goes as before.
"""

import datetime
import hashlib
import re
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

import boto3
import pytest
import requests
from botocore.auth import SIGV4_TIMESTAMP, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

import e2e_util as u
from e2e_util import expect_error

KEY_A, SECRET_A, ACCOUNT_A = "AKIACFLOCALTEST00001", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "111122223333"
KEY_B, SECRET_B = "444455556666", "secret-of-a-twelve-digit-key"  # its own account
KEY_FILE, SECRET_FILE = "AKIACFLOCALFROMFILE1", "fr0m/the+file"  # the default account

MISMATCH = ("The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. "
            "Consult the service documentation for details.")
EXPIRED_RE = re.compile(r"^Signature expired: (\d{8}T\d{6}Z) is now earlier than (\d{8}T\d{6}Z) "
                        r"\((\d{8}T\d{6}Z) - 5 min\.\)$")
FUTURE_RE = re.compile(r"^Signature not yet current: (\d{8}T\d{6}Z) is still later than (\d{8}T\d{6}Z) "
                       r"\((\d{8}T\d{6}Z) \+ 5 min\.\)$")


def _amz(text):
    return datetime.datetime.strptime(text, SIGV4_TIMESTAMP).replace(tzinfo=datetime.timezone.utc)


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


@pytest.fixture(scope="module")
def verifying():
    """One emulator that verifies signatures: two keys by flag, one from a file."""
    with tempfile.NamedTemporaryFile("w", prefix="cfl-credentials-", suffix=".txt", delete=False) as f:
        f.write(f"# access_key secret [account]\n\n{KEY_FILE}  {SECRET_FILE}\n")
    em = u.Emulator("--verify-signatures", "--credentials", f"{KEY_A}:{SECRET_A}:{ACCOUNT_A}",
                    "--credentials", f"{KEY_B}:{SECRET_B}", "--credentials-file", f.name)
    yield em
    rc = em.stop()
    Path(f.name).unlink()
    assert rc == 0, f"the verifying emulator exited with {rc}"


def client(url, key=KEY_A, secret=SECRET_A):
    return boto3.client("cloudfront", endpoint_url=url, region_name="eu-west-1",
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 1}))


class Signer(SigV4Auth):
    """botocore's SigV4Auth at a chosen time, remembering its canonical request and string to sign."""

    def __init__(self, key=KEY_A, secret=SECRET_A, when=None):
        super().__init__(Credentials(key, secret), "cloudfront", "us-east-1")
        self.when = when
        self.creq = self.sts = None

    def add_auth(self, request):  # add_auth, with self.when instead of utcnow()
        when = self.when or _utcnow()
        request.context["timestamp"] = when.strftime(SIGV4_TIMESTAMP)
        self._modify_request_before_signing(request)
        self.creq = self.canonical_request(request)
        self.sts = self.string_to_sign(request, self.creq)
        self._inject_signature_to_request(request, self.signature(self.sts, request))

    def mismatch_message(self, creq=None):
        creq = creq if creq is not None else self.creq
        sts = "\n".join(self.sts.split("\n")[:3] + [hashlib.sha256(creq.encode()).hexdigest()])
        return (f"{MISMATCH}\n\nThe Canonical String for this request should have been\n'{creq}'"
                f"\n\nThe String-to-Sign should have been\n'{sts}'\n")


class Prepared:
    """A request signed by botocore, ready to be tampered with and sent."""

    def __init__(self, url, method, path, body=b"", headers=None, signer=None):
        self.method, self.url, self.body = method, url + path, body
        self.signer = signer or Signer()
        aws = AWSRequest(method=method, url=self.url, data=body, headers=dict(headers or {}))
        self.signer.add_auth(aws)
        self.headers = dict(aws.headers.items())

    def send(self):
        return requests.request(self.method, self.url, data=self.body, headers=self.headers, timeout=20,
                                allow_redirects=False)


def tag_path(arn):
    return f"/{u.API_VERSION}/tagging?Operation=Tag&Resource={quote(arn, safe='-_.~')}"


def tags_body(key, value):
    return u.serialize_body("TagResource", {"Resource": "arn", "Tags": {"Items": [{"Key": key, "Value": value}]}})


@pytest.fixture(scope="module")
def dist(verifying):
    """A distribution of account A with one tag, for the tampering tests to leave alone."""
    cf = client(verifying.url)
    d = cf.create_distribution(DistributionConfig=u.dist_config(comment="signatures"))["Distribution"]
    cf.tag_resource(Resource=d["ARN"], Tags={"Items": [{"Key": "team", "Value": "edge"}]})
    return d


def assert_tags_unchanged(url, dist):
    tags = client(url).list_tags_for_resource(Resource=dist["ARN"])["Tags"]["Items"]
    assert tags == [{"Key": "team", "Value": "edge"}], tags


def assert_no_distribution(url, comment):
    items = client(url).list_distributions()["DistributionList"].get("Items", [])
    assert comment not in [d["Comment"] for d in items], f"a rejected request created {comment!r}"


def assert_403(resp, code, message):
    err = u.assert_raw_error(resp, 403, code)
    assert err["message"] == message, f"\n{err['message']!r}\n!=\n{message!r}"
    return err


# --------------------------------------------------------------------------------------------
# The good path: boto3 signs, the emulator agrees
# --------------------------------------------------------------------------------------------

def test_boto3_operations_pass(verifying):
    cf = client(verifying.url)
    created = cf.create_distribution(DistributionConfig=u.dist_config(comment="good path"))  # a body
    d = created["Distribution"]
    assert d["ARN"] == f"arn:aws:cloudfront::{ACCOUNT_A}:distribution/{d['Id']}"  # the key's account
    assert cf.get_distribution(Id=d["Id"])["Distribution"]["Id"] == d["Id"]
    # Query strings: MaxItems and Marker.
    first = cf.list_distributions(MaxItems="1")["DistributionList"]
    assert first["MaxItems"] == 1 and first["Quantity"] == 1
    if first["IsTruncated"]:
        rest = cf.list_distributions(Marker=first["NextMarker"], MaxItems="100")["DistributionList"]
        assert rest["Marker"] == first["NextMarker"]
    # TagResource: "?Operation=Tag&Resource=arn%3A..." and a body; If-Match on update.
    cf.tag_resource(Resource=d["ARN"], Tags={"Items": [{"Key": "k", "Value": "v w/x+y=z"}]})
    assert cf.list_tags_for_resource(Resource=d["ARN"])["Tags"]["Items"] == [{"Key": "k", "Value": "v w/x+y=z"}]
    cf.untag_resource(Resource=d["ARN"], TagKeys={"Items": ["k"]})
    config = cf.get_distribution_config(Id=d["Id"])
    config["DistributionConfig"]["Comment"] = "good path, updated"
    cf.update_distribution(Id=d["Id"], IfMatch=config["ETag"], DistributionConfig=config["DistributionConfig"])


def test_each_key_acts_for_its_account(verifying):
    b = client(verifying.url, KEY_B, SECRET_B).create_distribution(DistributionConfig=u.dist_config())
    assert f":{KEY_B}:distribution/" in b["Distribution"]["ARN"]
    c = client(verifying.url, KEY_FILE, SECRET_FILE).create_distribution(DistributionConfig=u.dist_config())
    assert f":{u.DEFAULT_ACCOUNT}:distribution/" in c["Distribution"]["ARN"]


def test_a_label_with_reserved_characters(verifying):
    # botocore quotes the label, then signs the quoted path quoted again: the emulator must too.
    with expect_error("NoSuchDistribution", 404):
        client(verifying.url).get_distribution(Id="E:no such+id,at=all")
    # Signed fine; routing splits the path as sent, so an encoded "/" stays in its label (as the
    # KeyValueStore's ARN labels need: /key-value-stores/arn%3Aaws%3A...%3Akey-value-store%2F...).
    with expect_error("NoSuchDistribution", 404):
        client(verifying.url).get_distribution(Id="E/slash")


def test_boto3_with_a_wrong_secret(verifying):
    with expect_error("SignatureDoesNotMatch", 403) as ei:
        client(verifying.url, KEY_A, "not-the-secret").list_distributions()
    assert ei.value.response["Error"]["Message"].startswith(MISMATCH)


# --------------------------------------------------------------------------------------------
# Tampered requests: 403, the exact error, nothing changed
# --------------------------------------------------------------------------------------------

def test_one_byte_of_the_signature(verifying, dist):
    req = Prepared(verifying.url, "POST", tag_path(dist["ARN"]), tags_body("team", "stolen"))
    auth = req.headers["Authorization"]
    req.headers["Authorization"] = auth[:-1] + ("0" if auth[-1] != "0" else "1")
    assert_403(req.send(), "SignatureDoesNotMatch", req.signer.mismatch_message())
    assert_tags_unchanged(verifying.url, dist)


def test_the_body_changed_after_signing(verifying):
    body = u.serialize_body("CreateDistribution", {"DistributionConfig": u.dist_config(comment="signed body")})
    req = Prepared(verifying.url, "POST", f"/{u.API_VERSION}/distribution", body)
    req.body = body.replace(b"signed body", b"forged body")
    creq = req.signer.creq.rsplit("\n", 1)[0] + "\n" + hashlib.sha256(req.body).hexdigest()
    assert_403(req.send(), "SignatureDoesNotMatch", req.signer.mismatch_message(creq))
    assert_no_distribution(verifying.url, "forged body")
    assert_no_distribution(verifying.url, "signed body")


def test_a_signed_header_changed(verifying, dist):
    req = Prepared(verifying.url, "POST", tag_path(dist["ARN"]), tags_body("team", "stolen"),
                   headers={"X-Custom-Header": "signed"})
    assert "x-custom-header" in req.headers["Authorization"]
    req.headers["X-Custom-Header"] = "changed"
    creq = req.signer.creq.replace("x-custom-header:signed", "x-custom-header:changed")
    assert_403(req.send(), "SignatureDoesNotMatch", req.signer.mismatch_message(creq))
    # X-Amz-Date is signed too: one second later is another request.
    req = Prepared(verifying.url, "POST", tag_path(dist["ARN"]), tags_body("team", "stolen"))
    later = _amz(req.headers["X-Amz-Date"]) + datetime.timedelta(seconds=1)
    req.headers["X-Amz-Date"] = later.strftime(SIGV4_TIMESTAMP)
    err = u.assert_raw_error(req.send(), 403, "SignatureDoesNotMatch")
    # (Unless the second crossed midnight, which makes the scope's date wrong instead.)
    assert err["message"].startswith(MISMATCH) or err["message"].startswith("Date in Credential scope"), err
    assert_tags_unchanged(verifying.url, dist)


def test_the_query_changed(verifying, dist):
    other = dist["ARN"].replace(dist["Id"], "EOTHERDISTRIBUTION")
    req = Prepared(verifying.url, "POST", tag_path(other), tags_body("team", "stolen"))
    req.url = verifying.url + tag_path(dist["ARN"])
    creq = req.signer.creq.replace(quote(other, safe="-_.~"), quote(dist["ARN"], safe="-_.~"))
    assert_403(req.send(), "SignatureDoesNotMatch", req.signer.mismatch_message(creq))
    assert_tags_unchanged(verifying.url, dist)


def test_a_wrong_secret(verifying):
    cfg = u.dist_config(comment="wrong secret")
    req = Prepared(verifying.url, "POST", f"/{u.API_VERSION}/distribution",
                   u.serialize_body("CreateDistribution", {"DistributionConfig": cfg}),
                   signer=Signer(KEY_A, "not-the-secret"))
    # The emulator's canonical request and string to sign are botocore's, byte for byte.
    assert_403(req.send(), "SignatureDoesNotMatch", req.signer.mismatch_message())
    assert_no_distribution(verifying.url, "wrong secret")


def test_an_unknown_key(verifying, dist):
    req = Prepared(verifying.url, "POST", tag_path(dist["ARN"]), tags_body("team", "stolen"),
                   signer=Signer("AKIANOBODYKNOWSTHIS1", SECRET_A))
    assert_403(req.send(), "InvalidClientTokenId", "The security token included in the request is invalid.")
    # A 12-digit key is not an account of its own any more: it must be configured.
    req = Prepared(verifying.url, "GET", f"/{u.API_VERSION}/distribution", signer=Signer("999988887777", "x"))
    assert_403(req.send(), "InvalidClientTokenId", "The security token included in the request is invalid.")
    assert_tags_unchanged(verifying.url, dist)


def test_signed_twenty_minutes_ago(verifying, dist):
    when = _utcnow() - datetime.timedelta(minutes=20)
    req = Prepared(verifying.url, "POST", tag_path(dist["ARN"]), tags_body("team", "stolen"),
                   signer=Signer(when=when))
    err = u.assert_raw_error(req.send(), 403, "SignatureDoesNotMatch")
    m = EXPIRED_RE.match(err["message"])
    assert m, err["message"]
    assert m.group(1) == when.strftime(SIGV4_TIMESTAMP)
    assert _amz(m.group(3)) - _amz(m.group(2)) == datetime.timedelta(minutes=5)
    assert abs((_amz(m.group(3)) - _utcnow()).total_seconds()) < 60, err["message"]
    assert_tags_unchanged(verifying.url, dist)


def test_signed_twenty_minutes_ahead(verifying, dist):
    when = _utcnow() + datetime.timedelta(minutes=20)
    req = Prepared(verifying.url, "POST", tag_path(dist["ARN"]), tags_body("team", "stolen"),
                   signer=Signer(when=when))
    err = u.assert_raw_error(req.send(), 403, "SignatureDoesNotMatch")
    m = FUTURE_RE.match(err["message"])
    assert m, err["message"]
    assert m.group(1) == when.strftime(SIGV4_TIMESTAMP)
    assert _amz(m.group(2)) - _amz(m.group(3)) == datetime.timedelta(minutes=5)
    assert_tags_unchanged(verifying.url, dist)


def test_no_authorization_header(verifying):
    body = u.serialize_body("CreateDistribution", {"DistributionConfig": u.dist_config(comment="unsigned")})
    resp = requests.post(verifying.url + f"/{u.API_VERSION}/distribution", data=body, timeout=20)
    assert_403(resp, "MissingAuthenticationToken", "Missing Authentication Token")
    resp = requests.get(verifying.url + f"/{u.API_VERSION}/distribution", timeout=20)
    assert_403(resp, "MissingAuthenticationToken", "Missing Authentication Token")
    assert_no_distribution(verifying.url, "unsigned")


def test_a_malformed_authorization_header(verifying):
    req = Prepared(verifying.url, "GET", f"/{u.API_VERSION}/distribution")
    req.headers["Authorization"] = f"AWS {KEY_A}:c2lnbmF0dXJl"  # SigV2
    assert_403(req.send(), "IncompleteSignature",
               "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' "
               "parameter. Authorization header requires 'SignedHeaders' parameter. "
               f"Authorization=AWS {KEY_A}:c2lnbmF0dXJl")
    auth = Prepared(verifying.url, "GET", f"/{u.API_VERSION}/distribution").headers["Authorization"]
    req.headers["Authorization"] = auth.split(", Signature=")[0]
    assert_403(req.send(), "IncompleteSignature",
               f"Authorization header requires 'Signature' parameter. Authorization={req.headers['Authorization']}")
    req.headers["Authorization"] = auth.replace("/cloudfront/", "/s3/")
    assert_403(req.send(), "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'cloudfront'. ")


def test_the_control_plane_needs_no_signature(verifying):
    assert requests.get(verifying.url + "/_emulator/health", timeout=5).status_code == 200
    assert requests.get(verifying.url + f"/{u.API_VERSION}/distribution", timeout=5).status_code == 403
    calls = requests.get(verifying.url + "/_emulator/requests", timeout=5)
    assert calls.status_code == 200, calls.text
    assert "MissingAuthenticationToken" in calls.text, calls.text[-2000:]  # refused calls are journaled


def test_advancing_the_clock_expires_signatures(start_emulator):
    em = start_emulator("--verify-signatures", "--credentials", f"{KEY_A}:{SECRET_A}")
    cf = client(em.url)
    cf.list_distributions()
    r = requests.post(em.url + "/_emulator/clock", json={"advance_seconds": 600}, timeout=5)
    assert r.status_code == 200, r.text
    with expect_error("SignatureDoesNotMatch", 403) as ei:
        cf.list_distributions()
    assert EXPIRED_RE.match(ei.value.response["Error"]["Message"]), ei.value.response["Error"]


# --------------------------------------------------------------------------------------------
# Without the flag, and refusing to start
# --------------------------------------------------------------------------------------------

def test_without_the_flag_anything_goes(url, account):
    raw = u.Raw(url, account)
    path = f"/{u.API_VERSION}/distribution"
    assert requests.get(url + path, timeout=20).status_code == 200  # unsigned
    req = Prepared(url, "GET", path, signer=Signer(account, "whatever", _utcnow() - datetime.timedelta(hours=3)))
    req.headers["Authorization"] = req.headers["Authorization"][:-4] + "0000"
    assert req.send().status_code == 200  # stale and wrong
    resp = raw.post(path, body=u.dist_config_xml(comment="no flag"))
    assert resp.status_code == 201, resp.text
    assert f":{account}:distribution/" in resp.text  # the key still picks the account


def test_refuses_to_start_without_credentials(tmp_path):
    def run(*args):
        return subprocess.run([str(u.BINARY), "--port", "0", *args], capture_output=True, text=True, timeout=5)

    p = run("--verify-signatures")
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "--verify-signatures" in p.stderr and "--credentials" in p.stderr, p.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("# nobody\n")
    p = run("--verify-signatures", "--credentials-file", str(empty))
    assert p.returncode == 2 and "has none" in p.stderr, (p.returncode, p.stderr)
    p = run("--verify-signatures", "--credentials", "KEY-WITHOUT-SECRET")
    assert p.returncode == 2 and "ACCESS_KEY:SECRET" in p.stderr, (p.returncode, p.stderr)
    p = run("--verify-signatures", "--credentials-file", str(tmp_path / "missing.txt"))
    assert p.returncode == 2 and "missing.txt" in p.stderr, (p.returncode, p.stderr)
    bad = tmp_path / "bad.txt"
    bad.write_text("AKIAONE secret 12345\n")
    p = run("--verify-signatures", "--credentials-file", str(bad))
    assert p.returncode == 2 and "bad.txt:1:" in p.stderr, (p.returncode, p.stderr)
    assert "listening" not in p.stdout
