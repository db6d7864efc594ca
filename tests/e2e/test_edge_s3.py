"""The edge's S3 origins (issue 16): fetched path-style from a real S3-compatible server (s3rver,
from npm, in tests/e2e/js), signed with SigV4 when the origin has an origin access control.

Between the emulator and s3rver sits a recording proxy: it keeps the headers of every request that
reached "S3" and relays it to s3rver unchanged. s3rver checks that a SigV4 request's access key
exists, its date is within 15 minutes and its Authorization is well formed, but not the signature
itself (its authentication middleware: "Signature version 4 calculation is unimplemented"); so the
tests recompute each signature with botocore's S3SigV4Auth from what the proxy received."""

import http.client
import http.server
import pathlib
import shutil
import socket
import subprocess
import threading
import time

import boto3
import pytest
import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

import e2e_util as u

S3RVER = pathlib.Path(__file__).parent / "js" / "node_modules" / "s3rver" / "bin" / "s3rver.js"
KEY, SECRET = "S3RVER", "S3RVER"  # s3rver's only key pair
BUCKET = "site-bucket"
REGION = "eu-west-3"
DOMAIN = f"{BUCKET}.s3.{REGION}.amazonaws.com"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RecordingProxy:
    """Relays every request to s3rver and keeps (method, path, headers) of each."""

    def __init__(self, upstream_port):
        self.received = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _relay(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                proxy.received.append({"method": self.command, "path": self.path, "headers": dict(self.headers)})
                upstream = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=20)
                headers = {name: value for name, value in self.headers.items() if name.lower() != "host"}
                upstream.request(self.command, self.path, body=body, headers=headers)
                answer = upstream.getresponse()
                payload = answer.read()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)
                upstream.close()

            do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = do_OPTIONS = _relay

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def paths(self):
        return [seen["path"] for seen in self.received]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def s3rver_port(tmp_path_factory):
    assert S3RVER.exists(), "s3rver is missing: run ./test.sh once (npm ci in tests/e2e/js)"
    port = free_port()
    directory = tmp_path_factory.mktemp("s3rver")
    server = subprocess.Popen([shutil.which("node") or "node", str(S3RVER), "--directory", str(directory),
                               "--address", "127.0.0.1", "--port", str(port), "--silent"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert server.poll() is None, server.stderr.read().decode()
            assert time.monotonic() < deadline, "s3rver did not start"
            time.sleep(0.1)
    yield port
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def s3(s3rver_port):
    client = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{s3rver_port}", region_name=REGION,
                          aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                          config=Config(s3={"addressing_style": "path"}))
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture(scope="module")
def proxy(s3rver_port):
    relay = RecordingProxy(s3rver_port)
    yield relay
    relay.close()


@pytest.fixture(scope="module")
def s3_emulator(proxy):
    em = u.Emulator("--s3-endpoint", f"http://127.0.0.1:{proxy.port}")
    yield em
    assert em.stop() == 0


@pytest.fixture
def cf_s3(s3_emulator, account):
    return u.make_client(s3_emulator.url, account)


def edge_url_of(emulator):
    return "http://" + emulator.health()["edge"]["http"]


def s3_origin(domain=DOMAIN, **extra):
    origin = {"Id": "bucket", "DomainName": domain, "S3OriginConfig": {"OriginAccessIdentity": ""}}
    origin.update(extra)
    return origin


def s3_config(origin):
    return u.dist_config(
        Origins={"Quantity": 1, "Items": [origin]},
        DefaultCacheBehavior={"TargetOriginId": origin["Id"], "ViewerProtocolPolicy": "allow-all",
                              "CachePolicyId": u.CACHING_OPTIMIZED})


def create(cf, origin):
    return cf.create_distribution(DistributionConfig=s3_config(origin))["Distribution"]


def make_oac(cf, behavior):
    return cf.create_origin_access_control(OriginAccessControlConfig={
        "Name": f"oac-{behavior}-{u.unique_ref()}"[:64], "SigningProtocol": "sigv4", "SigningBehavior": behavior,
        "OriginAccessControlOriginType": "s3"})["OriginAccessControl"]["Id"]


def get(emulator, domain, path, **headers):
    return requests.get(edge_url_of(emulator) + path, headers={"Host": domain, **headers}, timeout=20)


def received_for(proxy, path):
    matching = [seen for seen in proxy.received if seen["path"] == path]
    assert matching, f"{path} never reached s3rver: {proxy.paths()[-5:]}"
    return matching


def expected_signature(seen, secret=SECRET, region=REGION):
    """The signature botocore computes for the request the proxy received, signing what it signed."""
    headers = {name.lower(): value for name, value in seen["headers"].items()}
    request = AWSRequest(method=seen["method"], url=f"http://{headers['host']}{seen['path']}",
                         headers={"Host": headers["host"], "X-Amz-Date": headers["x-amz-date"],
                                  "X-Amz-Content-SHA256": headers["x-amz-content-sha256"]})
    request.context["timestamp"] = headers["x-amz-date"]
    auth = S3SigV4Auth(Credentials(KEY, secret), "s3", region)
    return auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)


def test_without_s3_endpoint_s3_origins_are_502_naming_the_flag(start_emulator, account):
    em = start_emulator()
    dist = create(u.make_client(em.url, account), s3_origin())
    answer = get(em, dist["DomainName"], "/index.html")
    assert answer.status_code == 502
    assert answer.headers["X-Cache"] == "Error from cloudfront"
    assert "--s3-endpoint" in answer.text


def test_bad_s3_flags_stop_the_start():
    for flags in (["--s3-endpoint", "127.0.0.1:4569"], ["--s3-endpoint", "https://s3.local"],
                  ["--s3-credentials", "no-colon"]):
        done = subprocess.run([str(u.BINARY), "--port", "0", *flags],
                              capture_output=True, text=True, timeout=20)
        assert done.returncode == 2, (flags, done.stderr)
        assert flags[0] in done.stderr


def test_an_object_is_served_from_the_bucket_and_cached(cf_s3, s3_emulator, s3, proxy, account):
    key = f"{account}/index.html"
    s3.put_object(Bucket=BUCKET, Key=key, Body=b"<h1>hello from s3</h1>", ContentType="text/html")
    dist = create(cf_s3, s3_origin())
    first = get(s3_emulator, dist["DomainName"], f"/{key}")
    assert first.status_code == 200, first.text
    assert first.content == b"<h1>hello from s3</h1>"
    assert first.headers["Content-Type"] == "text/html"
    assert first.headers["X-Cache"] == "Miss from cloudfront"
    # Path-style, the endpoint's Host, unsigned (no origin access control).
    [seen] = received_for(proxy, f"/{BUCKET}/{key}")
    assert seen["headers"]["Host"] == f"127.0.0.1:{proxy.port}"
    assert "Authorization" not in seen["headers"]
    assert seen["headers"]["User-Agent"] == "Amazon CloudFront"
    # Cached like any origin's answer: the second GET does not reach S3.
    second = get(s3_emulator, dist["DomainName"], f"/{key}")
    assert second.headers["X-Cache"] == "Hit from cloudfront"
    assert second.content == first.content
    assert len(received_for(proxy, f"/{BUCKET}/{key}")) == 1


def test_origin_path_prefixes_the_key(cf_s3, s3_emulator, s3, proxy, account):
    s3.put_object(Bucket=BUCKET, Key=f"{account}/v2/app.js", Body=b"console.log(2)")
    dist = create(cf_s3, s3_origin(OriginPath=f"/{account}/v2"))
    answer = get(s3_emulator, dist["DomainName"], "/app.js")
    assert answer.status_code == 200, answer.text
    assert answer.content == b"console.log(2)"
    received_for(proxy, f"/{BUCKET}/{account}/v2/app.js")


def test_a_missing_object_relays_s3s_error(cf_s3, s3_emulator, s3, proxy, account):
    dist = create(cf_s3, s3_origin())
    answer = get(s3_emulator, dist["DomainName"], f"/{account}/nothing-here.html")
    # s3rver answers NoSuchKey (S3 itself answers 403 AccessDenied when the reader may not list
    # the bucket); CloudFront relays the status and the body as S3 gave them.
    assert answer.status_code == 404
    assert "<Code>NoSuchKey</Code>" in answer.text
    # A missing bucket is S3's too.
    other = create(cf_s3, s3_origin(domain=f"no-such-bucket-{account}.s3.amazonaws.com"))
    missing = get(s3_emulator, other["DomainName"], "/x")
    assert missing.status_code == 404
    assert "<Code>NoSuchBucket</Code>" in missing.text


def test_an_invalidation_after_a_deploy_serves_the_new_object(cf_s3, s3_emulator, s3, account):
    key = f"{account}/deploy.html"
    s3.put_object(Bucket=BUCKET, Key=key, Body=b"v1")
    dist = create(cf_s3, s3_origin())
    assert get(s3_emulator, dist["DomainName"], f"/{key}").content == b"v1"
    s3.put_object(Bucket=BUCKET, Key=key, Body=b"v2")
    cached = get(s3_emulator, dist["DomainName"], f"/{key}")
    assert (cached.content, cached.headers["X-Cache"]) == (b"v1", "Hit from cloudfront")
    cf_s3.create_invalidation(DistributionId=dist["Id"], InvalidationBatch={
        "Paths": {"Quantity": 1, "Items": [f"/{account}/*"]}, "CallerReference": u.unique_ref()})
    fresh = get(s3_emulator, dist["DomainName"], f"/{key}")
    assert (fresh.content, fresh.headers["X-Cache"]) == (b"v2", "Miss from cloudfront")


def test_oac_always_signs_as_cloudfront_signs(cf_s3, s3_emulator, s3, proxy, account):
    key = f"{account}/private.html"
    s3.put_object(Bucket=BUCKET, Key=key, Body=b"signed")
    dist = create(cf_s3, s3_origin(OriginAccessControlId=make_oac(cf_s3, "always")))
    answer = get(s3_emulator, dist["DomainName"], f"/{key}?ignored=1")
    assert answer.status_code == 200, answer.text
    assert answer.content == b"signed"
    [seen] = received_for(proxy, f"/{BUCKET}/{key}")
    headers = seen["headers"]
    authorization = headers["Authorization"]
    date = headers["X-Amz-Date"]
    assert authorization.startswith(f"AWS4-HMAC-SHA256 Credential={KEY}/{date[:8]}/{REGION}/s3/aws4_request, "
                                    "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=")
    assert headers["X-Amz-Content-Sha256"] == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert authorization.endswith("Signature=" + expected_signature(seen))
    assert not authorization.endswith("Signature=" + expected_signature(seen, secret="wrong"))


def test_oac_signs_with_the_region_of_the_domain_else_us_east_1(cf_s3, s3_emulator, s3, proxy, account):
    key = f"{account}/east.html"
    s3.put_object(Bucket=BUCKET, Key=key, Body=b"east")
    dist = create(cf_s3, s3_origin(domain=f"{BUCKET}.s3.amazonaws.com",
                                   OriginAccessControlId=make_oac(cf_s3, "always")))
    assert get(s3_emulator, dist["DomainName"], f"/{key}").content == b"east"
    [seen] = received_for(proxy, f"/{BUCKET}/{key}")
    assert "/us-east-1/s3/aws4_request" in seen["headers"]["Authorization"]
    assert seen["headers"]["Authorization"].endswith("Signature=" + expected_signature(seen, region="us-east-1"))


def test_oac_never_sends_no_signature_a_legacy_oai_signs_as_its_identity(cf_s3, s3_emulator, s3, proxy, account):
    key = f"{account}/public.html"
    s3.put_object(Bucket=BUCKET, Key=key, Body=b"public")
    never = create(cf_s3, s3_origin(OriginAccessControlId=make_oac(cf_s3, "never")))
    assert get(s3_emulator, never["DomainName"], f"/{key}").content == b"public"
    oai = cf_s3.create_cloud_front_origin_access_identity(CloudFrontOriginAccessIdentityConfig={
        "CallerReference": u.unique_ref(), "Comment": "legacy"})["CloudFrontOriginAccessIdentity"]["Id"]
    legacy = create(cf_s3, s3_origin(S3OriginConfig={"OriginAccessIdentity": f"origin-access-identity/cloudfront/{oai}"}))
    assert get(s3_emulator, legacy["DomainName"], f"/{key}").content == b"public"
    unsigned, as_identity = received_for(proxy, f"/{BUCKET}/{key}")
    assert "Authorization" not in unsigned["headers"] and "X-Amz-Date" not in unsigned["headers"]
    # s3rver knows no OAI: the fetch is signed with --s3-credentials standing for the identity.
    assert as_identity["headers"]["Authorization"].endswith("Signature=" + expected_signature(as_identity))


def test_oac_no_override_signs_only_without_a_viewers_authorization(cf_s3, s3_emulator, s3, proxy, account):
    signed_key, viewer_key = f"{account}/no-override-a.html", f"{account}/no-override-b.html"
    for key in (signed_key, viewer_key):
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"mine")
    dist = create(cf_s3, s3_origin(OriginAccessControlId=make_oac(cf_s3, "no-override")))
    # No Authorization from the viewer: signed.
    assert get(s3_emulator, dist["DomainName"], f"/{signed_key}").content == b"mine"
    [signed] = received_for(proxy, f"/{BUCKET}/{signed_key}")
    assert signed["headers"]["Authorization"].endswith("Signature=" + expected_signature(signed))
    # With one: not signed (and CachingOptimized does not forward the viewer's Authorization).
    assert get(s3_emulator, dist["DomainName"], f"/{viewer_key}", Authorization="Bearer viewer").content == b"mine"
    [unsigned] = received_for(proxy, f"/{BUCKET}/{viewer_key}")
    assert "X-Amz-Date" not in unsigned["headers"] and "Authorization" not in unsigned["headers"]


def test_wrong_s3_credentials_are_refused_by_s3(proxy, s3, account):
    """s3rver knows only the S3RVER key: signing with another is its 403, relayed through the edge."""
    key = f"{account}/locked.html"
    s3.put_object(Bucket=BUCKET, Key=key, Body=b"locked")
    em = u.Emulator("--s3-endpoint", f"http://127.0.0.1:{proxy.port}", "--s3-credentials", "WRONGKEY:WRONGSECRET")
    try:
        cf = u.make_client(em.url, account)
        dist = create(cf, s3_origin(OriginAccessControlId=make_oac(cf, "always")))
        answer = get(em, dist["DomainName"], f"/{key}")
        assert answer.status_code == 403
        assert "<Code>InvalidAccessKeyId</Code>" in answer.text
        seen = received_for(proxy, f"/{BUCKET}/{key}")[-1]
        assert "Credential=WRONGKEY/" in seen["headers"]["Authorization"]
        assert seen["headers"]["Authorization"].endswith(
            "Signature=" + expected_signature(seen, secret="WRONGSECRET"))
    finally:
        assert em.stop() == 0
