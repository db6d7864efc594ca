"""The pytest plugin: fixtures for a session emulator, per-test accounts and a boto3 client, and
the emulator's journal in the report of a failing test.

Fixtures
  cloudfront_local           session: the Emulator (started from the binary on a free port), or a
                             Control for the one at --cloudfront-local-url / $CFL_URL
  cloudfront_local_flags     session: the flags it starts with (ini cloudfront_local_flags);
                             override it in a conftest.py to choose others
  start_cloudfront_local     factory: start_cloudfront_local("--db", path) -> another Emulator,
                             stopped at teardown (which fails unless it exits 0)
  cloudfront_account         a fresh 12-digit account id for the test (the access key is the
                             account, so tests never see each other's resources); with ini
                             cloudfront_local_isolation = reset the emulator is also reset first
  new_cloudfront_account     session: a factory of more fresh account ids
  cloudfront_client          a boto3 CloudFront client acting for cloudfront_account (retries off)
  make_cloudfront_client     session: make_cloudfront_client(account, url=None) -> boto3 client
"""

import itertools
import os
import random

import pytest

from pytest_cloudfront_local.control import Control, ControlError
from pytest_cloudfront_local.process import Emulator, EmulatorStartError

JOURNAL_TAIL = 20

_started = pytest.StashKey[list]()  # the emulators a test started with start_cloudfront_local


def pytest_addoption(parser):
    group = parser.getgroup("cloudfront-local")
    group.addoption("--cloudfront-local-binary", default=None,
                    help="the cloudfront-local binary (default: $CFL_BINARY, build/cloudfront-local "
                         "here or above, cloudfront-local on the PATH)")
    group.addoption("--cloudfront-local-url", default=None,
                    help="use the emulator running at this URL instead of starting one "
                         "(default: $CFL_URL)")
    parser.addini("cloudfront_local_flags", type="args", default=[],
                  help="flags for the session emulator, e.g. --propagation-delay 1")
    parser.addini("cloudfront_local_isolation", default="account",
                  help="'account' (a fresh account per test) or 'reset' (also reset the emulator "
                       "before each test that uses cloudfront_account)")


def pytest_configure(config):
    config.addinivalue_line("markers", "cloudfront_local: a test that uses CloudFront Local")


def _start(config, flags):
    try:
        return Emulator(*flags, binary=config.getoption("--cloudfront-local-binary"))
    except EmulatorStartError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def cloudfront_local_flags(pytestconfig):
    return list(pytestconfig.getini("cloudfront_local_flags"))


@pytest.fixture(scope="session")
def cloudfront_local(pytestconfig, cloudfront_local_flags):
    url = pytestconfig.getoption("--cloudfront-local-url") or os.environ.get("CFL_URL")
    if url:
        yield Control(url)
        return
    emulator = _start(pytestconfig, cloudfront_local_flags)
    yield emulator
    alive = emulator.alive()
    code = emulator.stop()
    assert alive, f"the session emulator died during the run; stderr tail:\n{emulator.stderr_text()[-3000:]}"
    assert code == 0, f"the session emulator exited with {code} on SIGTERM"


@pytest.fixture
def start_cloudfront_local(request, pytestconfig):
    started = request.node.stash.setdefault(_started, [])

    def start(*flags):
        emulator = _start(pytestconfig, flags)
        started.append(emulator)
        return emulator

    yield start
    codes = [(emulator.args, emulator.stop()) for emulator in started]
    bad = [(args, code) for args, code in codes if code != 0]
    assert not bad, f"emulator(s) started by the test did not exit cleanly: {bad}"


# Fresh account ids: a random base per process (so xdist workers, reruns and the JS suite's
# processes sharing an emulator do not meet: 70 million bases, not 700, which 13 processes drew
# alike about once in nine runs) plus a counter below 10,000. Never the emulator's default
# account 123456789012.
_random = random.SystemRandom()
_account_base = _random.randint(200, 899) * 10**9 + _random.randint(0, 99_999) * 10**4
_account_sequence = itertools.count(1)


def _next_account():
    return f"{_account_base + next(_account_sequence):012d}"


@pytest.fixture(scope="session")
def new_cloudfront_account():
    return _next_account


@pytest.fixture
def cloudfront_account(request, cloudfront_local):
    if request.config.getini("cloudfront_local_isolation") == "reset":
        cloudfront_local.reset()
    return _next_account()


def make_client(url, access_key, region="us-east-1"):
    """A boto3 CloudFront client for the emulator at url, acting for access_key's account,
    without retries (an emulator answers at once; a retry would hide what happened)."""
    import boto3
    from botocore.config import Config

    return boto3.client("cloudfront", endpoint_url=url, region_name=region,
                        aws_access_key_id=access_key, aws_secret_access_key="x",
                        config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=20))


@pytest.fixture(scope="session")
def make_cloudfront_client(cloudfront_local):
    def make(account, url=None):
        return make_client(url or cloudfront_local.url, account)
    return make


@pytest.fixture
def cloudfront_client(make_cloudfront_client, cloudfront_account):
    return make_cloudfront_client(cloudfront_account)


def _journal_section(control, account, label):
    try:
        tail = control.journal_tail(account=account, limit=JOURNAL_TAIL)
    except (ControlError, OSError) as error:
        return f"cloudfront-local journal{label}", f"(unavailable: {error})"
    who = f"account {account}" if account else "every account"
    title = f"cloudfront-local journal{label}: the last {JOURNAL_TAIL} API calls of {who}, oldest first"
    return title, tail or "(no API calls)"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    funcargs = getattr(item, "funcargs", {})
    account = funcargs.get("cloudfront_account")
    session = funcargs.get("cloudfront_local")
    if session is not None:
        report.sections.append(_journal_section(session, account, ""))
    for number, emulator in enumerate(item.stash.get(_started, []), 1):
        if emulator.alive():
            report.sections.append(_journal_section(emulator, None, f" (emulator {number} of the test)"))
