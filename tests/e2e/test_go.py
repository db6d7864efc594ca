"""aws-sdk-go v1 from Debian (golang-github-aws-aws-sdk-go-dev, GOPATH mode, no module download)
against the session's emulator: tests/e2e/go/cloudfront_test.go, including the SDK's waiters for
distributions, streaming distributions and invalidations. The Go build cache is build/go-cache
(or $GOCACHE), shared by every build tree, so only the first run compiles the SDK (about half a
minute)."""

import os
import re
import shutil
import subprocess

import pytest

import e2e_util as u

GO_DIR = u.REPO / "tests" / "e2e" / "go"
GOPATH = "/usr/share/gocode"


def test_aws_sdk_go_v1(url, tmp_path):
    go = shutil.which("go")
    if go is None or not os.path.isdir(f"{GOPATH}/src/github.com/aws/aws-sdk-go/service/cloudfront"):
        pytest.fail("needs Debian's golang-go and golang-github-aws-aws-sdk-go-dev (./test.sh installs them)",
                    pytrace=False)
    cache = os.environ.get("GOCACHE") or u.REPO / "build" / "go-cache"
    os.makedirs(cache, exist_ok=True)
    env = dict(os.environ, CFL_URL=url, GO111MODULE="off", GOPATH=GOPATH, GOCACHE=str(cache), GOFLAGS="",
               GOTOOLCHAIN="local", HOME=str(tmp_path), GOPROXY="off")
    p = subprocess.run([go, "test", "-count=1", "-v", "."], cwd=GO_DIR, env=env, capture_output=True, text=True,
                       timeout=400)
    output = p.stdout + p.stderr
    assert p.returncode == 0, f"go test failed ({p.returncode}):\n{output[-6000:]}"
    passed = re.findall(r"^--- PASS: (\w+)", p.stdout, re.M)
    assert len(passed) >= 5 and not re.search(r"^--- FAIL", p.stdout, re.M), output
    assert "TestDistributionProcedureWithWaiters" in passed, output
