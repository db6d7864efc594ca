"""The test helpers people import (tests/helpers/python, tests/helpers/js), used as a user would:
the pytest plugin loaded by path and pip-installed, per-test accounts and resets, the journal in a
failing test's report, every control helper; the JS module's failure message; and the README's
two examples, which must be the files the suites run."""

import os
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

import e2e_util as u
from pytest_cloudfront_local import Control, ControlError, Emulator, EmulatorStartError, format_call

HELPERS = u.REPO / "tests" / "helpers"
PY_EXAMPLE = u.REPO / "tests" / "e2e" / "test_example_pytest_plugin.py"
JS_EXAMPLE = u.REPO / "tests" / "e2e" / "js" / "example.test.mjs"


def run_pytest(folder, *args, env=None, installed=None):
    """Runs pytest on folder as a user of the plugin would, outside this suite: by path
    (PYTHONPATH + -p) or, with installed=DIR, from a pip install into DIR (entry point only)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "CFL_URL"))}
    environment["CFL_BINARY"] = str(u.BINARY)
    environment["PYTHONPATH"] = str(installed or HELPERS / "python")
    environment.update(env or {})
    load = [] if installed else ["-p", "pytest_cloudfront_local"]
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", *load,
                           "-q", "-rA", *args], cwd=folder, env=environment, capture_output=True,
                          text=True, timeout=120)


def outcome(result):
    tail = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    return tail, result.stdout + result.stderr


def write(folder, name, text):
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def test_the_readme_shows_the_examples_the_suites_run():
    readme = (u.REPO / "README.md").read_text()
    blocks = re.findall(r"```(\w+)\n(.*?)```", readme, re.S)
    assert ("python", PY_EXAMPLE.read_text()) in blocks, "README's pytest example differs from the file"
    assert ("js", JS_EXAMPLE.read_text()) in blocks, "README's JS example differs from the file"


def test_the_python_example_runs_with_the_plugin_loaded_by_path(tmp_path):
    shutil.copy(PY_EXAMPLE, tmp_path / "test_example.py")
    summary, output = outcome(run_pytest(tmp_path, "test_example.py"))
    assert re.match(r"^2 passed", summary), output


def test_pip_installs_the_plugin_and_pytest_finds_it_by_its_entry_point(tmp_path):
    target = tmp_path / "site"
    # A copy: setuptools writes its egg-info beside the sources it builds.
    source = shutil.copytree(HELPERS / "python", tmp_path / "source",
                             ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build"))
    # Debian's pip: no PyPI here, so build with Debian's setuptools (--no-build-isolation).
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-build-isolation",
                                "--no-deps", "--no-cache-dir", "--target", str(target), str(source)],
                               capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    entry_points = list(target.glob("pytest_cloudfront_local-*.dist-info/entry_points.txt"))
    assert entry_points and "pytest_cloudfront_local" in entry_points[0].read_text()
    shutil.copy(PY_EXAMPLE, tmp_path / "test_example.py")
    summary, output = outcome(run_pytest(tmp_path, "test_example.py", installed=target))
    assert re.match(r"^2 passed", summary), output


def test_a_failing_test_reports_the_journal_of_its_account(tmp_path):
    write(tmp_path, "test_failing.py", """
        def test_fails(cloudfront_client, cloudfront_account):
            cloudfront_client.list_distributions()
            try:
                cloudfront_client.get_distribution(Id="ENOSUCHDIST1234")
            except cloudfront_client.exceptions.NoSuchDistribution:
                pass
            assert False, "the test's own failure"

        def test_other_account_passes(cloudfront_client):
            cloudfront_client.list_cache_policies()
        """)
    result = run_pytest(tmp_path, "test_failing.py")
    summary, output = outcome(result)
    assert "1 failed, 1 passed" in summary, output
    section = output[output.index("cloudfront-local journal"):]
    account = re.search(r"the last 20 API calls of account (\d{12})", section)
    assert account, section
    lines = [line for line in section.splitlines() if " account=" in line]
    assert [line.split()[1:3] for line in lines] == [["200", "ListDistributions"],
                                                     ["404", "GetDistribution"]], section
    assert "NoSuchDistribution" in lines[1] and f"account={account.group(1)}" in lines[1]
    assert "ListCachePolicies" not in output, "another test's calls in the report"


def test_reset_isolation_and_the_session_emulator_flags(tmp_path):
    write(tmp_path, "pytest.ini", """
        [pytest]
        cloudfront_local_flags = --propagation-delay 3600
        cloudfront_local_isolation = reset
        """)
    write(tmp_path, "test_isolation.py", """
        def test_first(cloudfront_local, cloudfront_client):
            cloudfront_client.list_distributions()
            cloudfront_local.add_fault("ListDistributions", error="AccessDenied", count=5)
            assert cloudfront_local.config()["propagation_delay_seconds"] == 3600

        def test_second_starts_clean(cloudfront_local, cloudfront_client):
            assert cloudfront_local.faults() == []
            assert cloudfront_local.requests() == []
            cloudfront_client.list_distributions()
        """)
    summary, output = outcome(run_pytest(tmp_path, "test_isolation.py"))
    assert re.match(r"^2 passed", summary), output


def test_a_running_emulator_by_url_and_a_missing_binary(tmp_path, start_emulator):
    running = start_emulator("--propagation-delay", "0")
    write(tmp_path, "test_url.py", f"""
        def test_uses_it(cloudfront_local):
            assert cloudfront_local.url == "{running.url}"
            assert not hasattr(cloudfront_local, "proc")
        """)
    summary, output = outcome(run_pytest(tmp_path, "test_url.py", "--cloudfront-local-url", running.url))
    assert re.match(r"^1 passed", summary), output

    summary, output = outcome(run_pytest(tmp_path, "test_url.py", env={"CFL_BINARY": "/nonexistent/cfl"}))
    assert "1 error" in summary, output
    assert "emulator binary /nonexistent/cfl does not exist" in output, output
    assert "Traceback" not in output, output


def test_every_control_helper(start_emulator, new_account):
    em = start_emulator("--propagation-delay", "60")
    account = new_account()
    cf = u.make_client(em.url, account)
    assert em.health()["status"] == "ok"
    dist_id = cf.create_distribution(DistributionConfig=u.dist_config())["Distribution"]["Id"]
    assert em.settle(account=account) == 1
    assert cf.get_distribution(Id=dist_id)["Distribution"]["Status"] == "Deployed"
    etag = cf.get_distribution(Id=dist_id)["ETag"]
    touched = em.touch(dist_id, comment="by ops")
    assert (touched["previous_etag"], touched["comment"]) == (etag, "by ops")
    assert cf.get_distribution(Id=dist_id)["ETag"] == touched["etag"] != etag
    assert cf.get_distribution(Id=dist_id)["Distribution"]["Status"] == "InProgress"
    before = em.clock()["now_ms"]
    assert em.advance_clock(120)["offset_seconds"] == 120
    assert em.clock()["now_ms"] >= before + 120_000
    assert cf.get_distribution(Id=dist_id)["Distribution"]["Status"] == "Deployed"
    assert em.config(propagation_delay_seconds=5)["propagation_delay_seconds"] == 5
    assert em.config()["propagation_delay_seconds"] == 5

    rule = em.add_fault("GetDistribution", error="PreconditionFailed", resource_id=dist_id, count=2)
    assert [f["id"] for f in em.faults()] == [rule["id"]]
    em.remove_fault(rule["id"])
    assert em.faults() == []
    em.add_fault("*", delay_ms=1, count=1)
    em.clear_faults()
    assert em.faults() == []

    calls = em.requests(account=account)
    assert [c["operation"] for c in calls][-1] == "CreateDistribution"
    assert em.requests(account=account, operation="CreateDistribution", status=201, limit=1)[0]["status"] == 201
    tail = em.journal_tail(account=account, limit=2).splitlines()
    assert len(tail) == 2 and tail[-1] == format_call(calls[0])
    em.clear_requests()
    assert em.requests() == []

    snapshot = em.snapshot()
    assert [r["id"] for r in snapshot["resources"]] == [dist_id]
    em.reset(account=account)
    assert em.snapshot()["resources"] == []
    assert em.restore(snapshot)["resources"] == 1
    assert cf.get_distribution(Id=dist_id)["ETag"] == snapshot["resources"][0]["etag"]
    em.reset()
    assert em.clock()["offset_seconds"] == 0

    with pytest.raises(ControlError) as refused:
        em.settle(id="ENOSUCHTHING12")
    assert refused.value.status == 404 and "ENOSUCHTHING12" in str(refused.value)
    with pytest.raises(ControlError) as refused:
        em.advance_clock(-1)
    assert refused.value.status == 400


def test_emulator_class_outside_pytest(tmp_path):
    with Emulator("--propagation-delay", "0", binary=u.BINARY) as em:
        assert Control(em.url).health()["status"] == "ok"
    assert em.returncode == 0
    with pytest.raises(EmulatorStartError, match="does not exist"):
        Emulator(binary=tmp_path / "missing")
    with pytest.raises(EmulatorStartError, match="exited with 2"):
        Emulator("--no-such-flag", binary=u.BINARY)


def test_the_js_module_adds_the_journal_to_a_failure(tmp_path, url):
    node = shutil.which("node")
    assert node, "node is not installed"
    module = (HELPERS / "js" / "index.mjs").as_uri()
    script = write(tmp_path, "failing.test.mjs", f"""
        import {{ test }} from 'node:test';
        import {{ connectEmulator, newAccount, withJournalOnFailure, startEmulator }} from '{module}';

        test('fails with the journal', async () => {{
          const emulator = connectEmulator(process.env.CFL_URL);
          const account = newAccount();
          await withJournalOnFailure(emulator, account, async () => {{
            const answer = await fetch(`${{emulator.url}}/2020-05-31/distribution/ENOSUCHDIST1234`, {{
              headers: {{ Authorization: `AWS ${{account}}:signature` }} }});
            throw new Error(`the test's own failure (${{answer.status}})`);
          }});
        }});

        test('a missing binary says so', async () => {{
          await startEmulator({{ binary: '/nonexistent/cfl' }}).then(
            () => {{ throw new Error('started'); }},
            (error) => {{ if (!/not found: build it/.test(error.message)) throw error; }});
        }});
        """)
    result = subprocess.run([node, "--test", str(script)], env=dict(os.environ, CFL_URL=url),
                            capture_output=True, text=True, timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "# pass 1" in output and "# fail 1" in output, output
    assert "the test's own failure (404)" in output, output
    assert re.search(r"cloudfront-local journal, the last 20 API calls of account \d{12}", output), output
    assert re.search(r"404 GetDistribution NoSuchDistribution GET /2020-05-31/distribution/ENOSUCHDIST1234",
                     output), output
