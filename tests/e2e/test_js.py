"""Runs the aws-sdk-js v3 suite (tests/e2e/js, node's built-in runner) against the session's
emulator. Needs `npm ci` in tests/e2e/js first: without node_modules this test fails."""

import os
import shutil
import subprocess

import pytest

import e2e_util as u

JS_DIR = u.REPO / "tests" / "e2e" / "js"


def test_aws_sdk_js_v3(url):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed (Node.js >= 20 is needed for the aws-sdk-js v3 suite)",
                    pytrace=False)
    if not (JS_DIR / "node_modules" / "@aws-sdk" / "client-cloudfront").is_dir():
        pytest.fail(f"aws-sdk-js is not installed: run `npm ci` in {JS_DIR}", pytrace=False)
    env = dict(os.environ, CFL_URL=url)
    p = subprocess.run([node, "--test", "tests/e2e/js/"], cwd=u.REPO, env=env,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, f"node --test failed ({p.returncode}):\n{p.stdout}\n{p.stderr}"
    import re
    tests = re.search(r"^# tests (\d+)$", p.stdout, re.M)
    passed = re.search(r"^# pass (\d+)$", p.stdout, re.M)
    assert tests and passed, p.stdout
    assert int(tests.group(1)) >= 3 and passed.group(1) == tests.group(1), p.stdout
