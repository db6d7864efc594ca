"""Fixtures for the CloudFront Local end-to-end suite.

Run:  /usr/bin/python3 -m pytest tests/e2e        (CFL_BINARY overrides build/cloudfront-local)

The suite dogfoods the pytest plugin in tests/helpers/python (loaded below without installing
it): one emulator for the whole session (`--propagation-delay 1`, flags from pytest.ini); tests
that need other flags start their own with `start_emulator(...)`. Every test gets its own 12-digit
account (the SigV4 access key is the account id), so tests never see each other's resources, and
files may run in parallel (`-n 2`, python3-pytest-xdist: each worker has its own emulator). The
names below are the suite's older names for the plugin's fixtures.
"""

import pytest

import e2e_util as u

pytest_plugins = ["pytest_cloudfront_local"]  # importable: e2e_util put it on sys.path


@pytest.fixture(scope="session")
def emulator(cloudfront_local):
    return cloudfront_local


@pytest.fixture(scope="session")
def url(cloudfront_local):
    return cloudfront_local.url


@pytest.fixture
def start_emulator(start_cloudfront_local):
    """Factory: start_emulator('--max-distributions', '3') -> Emulator; stopped (exit 0) at teardown.
    binary=PATH starts another executable instead (e.g. a wrapper that limits the file size);
    startup_timeout=S waits longer for a start that loads much (sanitizer builds are slow)."""
    started = []

    def start(*flags, binary=None, startup_timeout=None):
        if binary is None and startup_timeout is None:
            return start_cloudfront_local(*flags)
        em = u.Emulator(*flags, binary=binary, startup_timeout=startup_timeout or 15.0)
        started.append(em)
        return em

    yield start
    codes = [(em.args, em.stop()) for em in started]
    bad = [(args, rc) for args, rc in codes if rc != 0]
    assert not bad, f"extra emulator(s) did not exit cleanly: {bad}"


@pytest.fixture(scope="session")
def new_account(new_cloudfront_account):
    """Factory for fresh 12-digit account ids (never the default account)."""
    return new_cloudfront_account


@pytest.fixture
def account(cloudfront_account):
    return cloudfront_account


@pytest.fixture(scope="session")
def make_client(make_cloudfront_client):
    """make_client(access_key, url=None) -> boto3 CloudFront client."""
    return make_cloudfront_client


@pytest.fixture
def cf(cloudfront_client):
    return cloudfront_client


@pytest.fixture
def cfm(url, account):
    """boto3 on the repository's copy of the newest model (operations Debian's botocore lacks)."""
    return u.make_model_client(url, account)


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
