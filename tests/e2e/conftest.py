"""Fixtures for the CloudFront Local end-to-end suite.

Run:  /usr/bin/python3 -m pytest tests/e2e        (CFL_BINARY overrides build/cloudfront-local)

One emulator for the whole session (`--port 0 --propagation-delay 1`); tests that need other
flags start their own with `start_emulator(...)`. Every test gets its own 12-digit account (the
SigV4 access key is the account id), so tests never see each other's resources.
"""

import itertools
import random

import pytest

import e2e_util as u


@pytest.fixture(scope="session")
def emulator():
    em = u.Emulator("--propagation-delay", "1")
    yield em
    alive = em.alive()
    rc = em.stop()
    assert alive, f"the session emulator died during the run; stderr tail:\n{em.stderr_text()[-3000:]}"
    assert rc == 0, f"the session emulator exited with {rc} on SIGTERM"


@pytest.fixture(scope="session")
def url(emulator):
    return emulator.url


@pytest.fixture
def start_emulator():
    """Factory: start_emulator('--max-distributions', '3', binary=...) -> Emulator; stopped (exit 0)
    at teardown."""
    started = []

    def start(*flags, **options):
        em = u.Emulator(*flags, **options)
        started.append(em)
        return em

    yield start
    codes = [(em.args, em.stop()) for em in started]
    bad = [(a, rc) for a, rc in codes if rc != 0]
    assert not bad, f"extra emulator(s) did not exit cleanly: {bad}"


_account_base = random.randint(200, 899) * 10**9
_account_seq = itertools.count(1)


def _next_account():
    return f"{_account_base + next(_account_seq):012d}"


@pytest.fixture(scope="session")
def new_account():
    """Factory for fresh 12-digit account ids (never the default account)."""
    return _next_account


@pytest.fixture
def account():
    return _next_account()


@pytest.fixture(scope="session")
def make_client(url):
    """make_client(access_key, url=None) -> boto3 CloudFront client."""
    def make(access_key, endpoint=None):
        return u.make_client(endpoint or url, access_key)
    return make


@pytest.fixture
def cf(make_client, account):
    return make_client(account)


@pytest.fixture
def raw(url, account):
    """Raw HTTP (requests), signed with this test's account."""
    return u.Raw(url, account)


@pytest.fixture(scope="session")
def dist_config():
    """dist_config(**overrides) -> a fresh minimal DistributionConfig with a unique CallerReference."""
    return u.dist_config


@pytest.fixture(scope="session")
def streaming_config():
    """streaming_config(**overrides) -> a fresh StreamingDistributionConfig."""
    return u.streaming_config
