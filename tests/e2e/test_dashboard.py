"""The dashboard (/_emulator/ui) in a real browser: runs tests/e2e/js/browser/dashboard.browser.mjs
(Debian's chromium driven by playwright-core, headless) and checks the screenshot it saves beside
the binary. Needs `chromium` (test.sh installs it) and `npm ci` in tests/e2e/js."""

import os
import re
import shutil
import signal
import subprocess

import pytest
import requests

import e2e_util as u

JS_DIR = u.REPO / "tests" / "e2e" / "js"
BROWSER_TEST = JS_DIR / "browser" / "dashboard.browser.mjs"
CHROMIUM = os.environ.get("CFL_CHROMIUM", "/usr/bin/chromium")


# One run of the browser test, at most: 10,000 resources take minutes in a sanitizer build on a busy
# machine, seconds otherwise. Two runs fit in ctest's limit for the whole e2e suite (600 s).
ATTEMPT_SECONDS = 240 if os.environ.get("CFL_SANITIZE") else 120


def run_browser_test(command, env):
    """The browser test's exit code (None: it hung) and output. A run that hangs is killed with
    everything it started, and run once more: once in a CI run its node process was still waiting
    ten minutes after its emulators had stopped, a Chromium of its own still running. A run that
    fails is not run again."""
    hung = ""
    for attempt in (1, 2):
        with subprocess.Popen(command, cwd=u.REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, start_new_session=True) as process:
            try:
                output, _ = process.communicate(timeout=ATTEMPT_SECONDS)
                return process.returncode, hung + output
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                output, _ = process.communicate()
                hung += f"--- run {attempt} hung for {ATTEMPT_SECONDS} s and was killed; its output:\n{output}\n"
    return None, hung


def test_the_dashboard_in_chromium(tmp_path):
    node = shutil.which("node")
    if node is None or not os.path.exists(CHROMIUM):
        pytest.fail(f"the browser test needs node and {CHROMIUM} (./test.sh installs Debian's chromium)",
                    pytrace=False)
    if not (JS_DIR / "node_modules" / "playwright-core").is_dir():
        pytest.fail(f"playwright-core is not installed: run `npm ci` in {JS_DIR}", pytrace=False)
    screenshots = u.BINARY.parent
    screenshot = screenshots / "dashboard.png"
    screenshot.unlink(missing_ok=True)
    env = dict(os.environ, CFL_BINARY=str(u.BINARY), CFL_SCREENSHOT_DIR=str(screenshots), HOME=str(tmp_path))
    env.pop("CFL_URL", None)
    returncode, output = run_browser_test([node, "--test", str(BROWSER_TEST)], env)
    assert returncode == 0, f"the browser test failed ({returncode}):\n{output[-6000:]}"
    tests = re.search(r"^# tests (\d+)$", output, re.M)
    passed = re.search(r"^# pass (\d+)$", output, re.M)
    assert tests and passed and int(tests.group(1)) >= 6 and passed.group(1) == tests.group(1), output
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "no screenshot"
    assert screenshot.stat().st_size > 20_000, "the screenshot looks empty"


def test_the_dashboards_files_and_what_it_reads(url, new_account, make_client):
    page = requests.get(url + "/_emulator/ui", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    for name, kind in [("dashboard.js", "text/javascript"), ("dashboard.css", "text/css")]:
        assert f"/_emulator/ui/{name}" in page.text
        answer = requests.get(f"{url}/_emulator/ui/{name}", timeout=10)
        assert answer.status_code == 200 and answer.headers["Content-Type"].startswith(kind), name
    missing = requests.get(url + "/_emulator/ui/nothing.js", timeout=10)
    assert missing.status_code == 404 and "no dashboard file" in missing.json()["error"]

    account = new_account()
    cf = make_client(account)
    ids = [cf.create_distribution(DistributionConfig=u.dist_config(comment=f"d{i}"))["Distribution"]["Id"]
           for i in range(5)]
    accounts = requests.get(url + "/_emulator/accounts", timeout=10).json()
    mine = [a for a in accounts["accounts"] if a["account"] == account]
    assert mine == [{"account": account, "resources": {"distribution": 5}, "total": 5, "default": False}]
    assert any(a["default"] and a["account"] == u.DEFAULT_ACCOUNT for a in accounts["accounts"])

    def page_of(**query):
        answer = requests.get(url + "/_emulator/resources", params=query, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()

    first = page_of(account=account, limit=2)
    assert [r["id"] for r in first["resources"]] == ids[:2] and first["total"] == 5
    assert first["next_marker"] == f"{account}/distribution/{ids[1]}"
    second = page_of(account=account, limit=3, marker=first["next_marker"])
    assert [r["id"] for r in second["resources"]] == ids[2:] and second["next_marker"] is None
    item = second["resources"][0]
    assert item["etag"] == cf.get_distribution(Id=ids[2])["ETag"] and item["label"] == "d2"
    assert item["status"] == "InProgress" and item["settled_status"] == "Deployed"
    assert [r["id"] for r in page_of(account=account, search="d3")["resources"]] == [ids[3]]
    requests.post(url + "/_emulator/settle", json={"id": ids[4]}, timeout=10).raise_for_status()
    settled = page_of(account=account, status="settled")
    assert [r["id"] for r in settled["resources"]] == [ids[4]] and settled["total"] is None

    detail = requests.get(f"{url}/_emulator/resources/{ids[0]}", params={"account": account}, timeout=10).json()
    assert detail["config"]["Comment"] == "d0" and detail["config_root"] == "DistributionConfig"
    assert detail["config_xml"].count("<Comment>d0</Comment>") == 1
    assert detail["metadata"]["DomainName"].endswith(".cloudfront.net")

    for query, problem in [({"limit": "0"}, "limit"), ({"limit": "501"}, "limit"), ({"marker": "x"}, "marker"),
                           ({"account": "12"}, "account"), ({"status": "Done"}, "status"), ({"sort": "id"}, "sort")]:
        answer = requests.get(url + "/_emulator/resources", params=query, timeout=10)
        assert answer.status_code == 400 and problem in answer.json()["error"], (query, answer.text)
    gone = requests.get(f"{url}/_emulator/resources/ENOSUCHTHING12", params={"account": account}, timeout=10)
    assert gone.status_code == 404


def test_the_journal_can_be_polled_after_a_sequence(url, new_account, make_client):
    account = new_account()
    cf = make_client(account)
    last = requests.get(url + "/_emulator/requests", params={"limit": 1}, timeout=10).json()["last_sequence"]
    cf.list_distributions()
    cf.list_cache_policies()
    newer = requests.get(url + "/_emulator/requests", params={"after": last, "account": account}, timeout=10).json()
    assert [c["operation"] for c in newer["requests"]] == ["ListCachePolicies", "ListDistributions"]
    assert newer["requests"][0]["sequence"] == newer["requests"][1]["sequence"] + 1 > last
    none = requests.get(url + "/_emulator/requests",
                        params={"after": newer["requests"][0]["sequence"], "account": account}, timeout=10).json()
    assert none["requests"] == []
    bad = requests.get(url + "/_emulator/requests", params={"after": "-1"}, timeout=10)
    assert bad.status_code == 400


def test_control_reads_log_at_debug_only(start_emulator):
    """A dashboard polls the control plane several times a second: at the default log level its
    reads stay out of the request log; what changes something is logged."""
    import time

    def control_lines(em):
        time.sleep(0.2)  # lines are written in batches, at most 50 ms after their request
        return [line for line in em.stderr_text().splitlines() if "operation=control:" in line]

    info = start_emulator()
    requests.get(info.url + "/_emulator/health", timeout=5)
    requests.get(info.url + "/_emulator/ui", timeout=5)
    requests.post(info.url + "/_emulator/settle", json={}, timeout=5)
    lines = control_lines(info)
    assert len(lines) == 1 and "operation=control:POST /_emulator/settle status=200" in lines[0], lines

    debug = start_emulator("--log-level", "debug")
    requests.get(debug.url + "/_emulator/health", timeout=5)
    assert any("control:GET /_emulator/health" in line for line in control_lines(debug))
