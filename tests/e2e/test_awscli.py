"""Both procedures with the real AWS CLI v2 (/usr/bin/aws) in subprocesses."""

import json
import os
import subprocess
import time

import pytest
import requests

import e2e_util as u

AWS = os.environ.get("CFL_AWS_CLI", "/usr/bin/aws")
SERVICE_ERROR_RC = 254  # CLI v2: the service answered an error
PROPAGATION = 600.0  # seconds, the CLI emulator's --propagation-delay


@pytest.fixture(scope="module")
def cli_emulator():
    """A CLI invocation takes 0.5-1 s (many seconds on a loaded machine), so "delete before
    Deployed" needs a propagation delay no machine reaches; the tests then move the emulator's
    clock past it instead of sleeping."""
    em = u.Emulator("--propagation-delay", str(PROPAGATION))
    yield em
    assert em.stop() == 0


@pytest.fixture
def aws(cli_emulator, account, tmp_path):
    url = cli_emulator.url
    if not os.path.exists(AWS):
        pytest.fail(f"{AWS} (AWS CLI v2) is not installed", pytrace=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "AWS_ACCESS_KEY_ID": account,
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_PAGER": "",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_RETRY_MODE": "standard",
    })

    def run(*args, ok=True):
        cmd = [AWS, "cloudfront", *args, "--endpoint-url", url, "--output", "json"]
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
        if ok:
            assert p.returncode == 0, f"{cmd} -> {p.returncode}\n{p.stderr}"
            return json.loads(p.stdout) if p.stdout.strip() else None
        return p

    def write(name, obj):
        path = tmp_path / name
        path.write_text(json.dumps(obj))
        return f"file://{path}"

    run.write = write
    return run


def assert_not_disabled_before_deployed(p, code, updated_at):
    """The delete ran right after the update; if it still succeeded, say whether the machine
    was too slow for the propagation delay (a test-timing problem) or the server is wrong."""
    if p.returncode == 0:
        elapsed = time.monotonic() - updated_at
        assert elapsed < PROPAGATION, (
            f"the delete succeeded {elapsed:.1f}s after the update: too slow a machine for "
            f"--propagation-delay {PROPAGATION}, not a server bug")
    assert_cli_error(p, code)


def assert_cli_error(p, code):
    assert p.returncode == SERVICE_ERROR_RC, (p.returncode, p.stdout, p.stderr)
    assert f"An error occurred ({code})" in p.stderr, p.stderr


def pass_propagation(emulator):
    """The CLI waiter polls every 60 s: only call it once the emulator reports Deployed."""
    r = requests.post(emulator.url + "/_emulator/clock", json={"advance_seconds": PROPAGATION}, timeout=10)
    assert r.status_code == 200, r.text


def test_cli_distribution_procedure(aws, account, cli_emulator):
    cfg = u.dist_config(comment="cli procedure 1")
    created = aws("create-distribution", "--distribution-config", aws.write("cfg.json", cfg))
    dist = created["Distribution"]
    dist_id = dist["Id"]
    assert u.ID_RE.match(dist_id)
    assert created["Location"] == f"https://cloudfront.amazonaws.com/2020-05-31/distribution/{dist_id}"
    assert u.ETAG_RE.match(created["ETag"])
    assert dist["Status"] == "InProgress"
    assert dist["ARN"] == f"arn:aws:cloudfront::{account}:distribution/{dist_id}"
    assert dist["DistributionConfig"]["PriceClass"] == "PriceClass_All"
    assert dist["DistributionConfig"]["HttpVersion"] == "http2"

    got = aws("get-distribution-config", "--id", dist_id)
    assert got["ETag"] == created["ETag"]
    assert got["DistributionConfig"] == dist["DistributionConfig"]

    disabled = dict(got["DistributionConfig"], Enabled=False)
    upd = aws("update-distribution", "--id", dist_id, "--if-match", got["ETag"],
              "--distribution-config", aws.write("disabled.json", disabled))
    updated_at = time.monotonic()
    etag2 = upd["ETag"]
    assert etag2 != created["ETag"] and u.ETAG_RE.match(etag2)
    assert upd["Distribution"]["Status"] == "InProgress"
    assert upd["Distribution"]["DistributionConfig"]["Enabled"] is False

    assert_not_disabled_before_deployed(
        aws("delete-distribution", "--id", dist_id, "--if-match", etag2, ok=False),
        "DistributionNotDisabled", updated_at)

    pass_propagation(cli_emulator)
    t0 = time.monotonic()
    assert aws("wait", "distribution-deployed", "--id", dist_id) is None
    assert time.monotonic() - t0 < 30, "the CLI waiter had to poll again: not Deployed"

    assert_cli_error(aws("delete-distribution", "--id", dist_id, "--if-match", created["ETag"],
                         ok=False), "PreconditionFailed")
    # Deployed did not rotate the ETag: the update's ETag deletes it.
    assert aws("delete-distribution", "--id", dist_id, "--if-match", etag2) is None
    assert_cli_error(aws("get-distribution", "--id", dist_id, ok=False), "NoSuchDistribution")


def test_cli_streaming_procedure(aws, account, cli_emulator):
    cfg = u.streaming_config(comment="cli procedure 2")
    created = aws("create-streaming-distribution", "--streaming-distribution-config",
                  aws.write("sd.json", cfg))
    sd = created["StreamingDistribution"]
    sd_id = sd["Id"]
    assert u.ID_RE.match(sd_id)
    assert u.STREAMING_DOMAIN_RE.match(sd["DomainName"])
    assert sd["ARN"] == f"arn:aws:cloudfront::{account}:streaming-distribution/{sd_id}"
    assert created["Location"] == \
        f"https://cloudfront.amazonaws.com/2020-05-31/streaming-distribution/{sd_id}"
    assert sd["Status"] == "InProgress"

    got = aws("get-streaming-distribution-config", "--id", sd_id)
    assert got["ETag"] == created["ETag"]

    assert_cli_error(aws("delete-streaming-distribution", "--id", sd_id, "--if-match",
                         got["ETag"], ok=False), "StreamingDistributionNotDisabled")
    disabled = dict(got["StreamingDistributionConfig"], Enabled=False)
    # An empty If-Match is refused.
    assert_cli_error(aws("update-streaming-distribution", "--id", sd_id, "--if-match", "",
                         "--streaming-distribution-config", aws.write("d.json", disabled),
                         ok=False), "InvalidIfMatchVersion")
    upd = aws("update-streaming-distribution", "--id", sd_id, "--if-match", got["ETag"],
              "--streaming-distribution-config", aws.write("d.json", disabled))
    updated_at = time.monotonic()
    etag2 = upd["ETag"]
    assert etag2 != got["ETag"]
    assert upd["StreamingDistribution"]["Status"] == "InProgress"

    assert_not_disabled_before_deployed(
        aws("delete-streaming-distribution", "--id", sd_id, "--if-match", etag2, ok=False),
        "StreamingDistributionNotDisabled", updated_at)
    pass_propagation(cli_emulator)
    t0 = time.monotonic()
    assert aws("wait", "streaming-distribution-deployed", "--id", sd_id) is None
    assert time.monotonic() - t0 < 30, "the CLI waiter had to poll again: not Deployed"
    assert_cli_error(aws("delete-streaming-distribution", "--id", sd_id, "--if-match",
                         got["ETag"], ok=False), "PreconditionFailed")
    assert aws("delete-streaming-distribution", "--id", sd_id, "--if-match", etag2) is None
    assert_cli_error(aws("get-streaming-distribution", "--id", sd_id, ok=False),
                     "NoSuchStreamingDistribution")


def test_cli_shorthand_origin_domain_name_and_default_root_object(aws):
    """The CLI's own shortcuts: a legacy ForwardedValues config, then an update that reads the
    config and its ETag itself."""
    created = aws("create-distribution", "--origin-domain-name", "legacy-bucket.s3.amazonaws.com",
                  "--default-root-object", "index.html")
    dist = created["Distribution"]
    cfg = dist["DistributionConfig"]
    assert cfg["DefaultRootObject"] == "index.html"
    dcb = cfg["DefaultCacheBehavior"]
    assert dcb["ForwardedValues"]["QueryString"] is False
    assert dcb["MinTTL"] == 0
    assert dcb["DefaultTTL"] == 86400
    assert dcb["MaxTTL"] == 31536000
    assert cfg["Origins"]["Items"][0]["S3OriginConfig"] == {"OriginAccessIdentity": ""}

    upd = aws("update-distribution", "--id", dist["Id"], "--default-root-object", "home.html")
    assert upd["ETag"] != created["ETag"]
    assert upd["Distribution"]["DistributionConfig"]["DefaultRootObject"] == "home.html"
    assert upd["Distribution"]["DistributionConfig"]["CallerReference"] == cfg["CallerReference"]

    custom = aws("create-distribution", "--origin-domain-name", "origin.example.com")
    origin = custom["Distribution"]["DistributionConfig"]["Origins"]["Items"][0]
    coc = origin["CustomOriginConfig"]
    assert coc["HTTPPort"] == 80 and coc["HTTPSPort"] == 443
    assert coc["OriginProtocolPolicy"] == "http-only"
    assert coc["OriginReadTimeout"] == 30
    assert coc["OriginKeepaliveTimeout"] == 5
    assert origin["ConnectionAttempts"] == 3 and origin["ConnectionTimeout"] == 10
