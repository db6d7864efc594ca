"""The module fixtures the edge's test files share: a recording origin (test_edge.Origin), an emulator
whose --origin-address maps each given domain to it, the edge listener's URL, and a boto3 client for
each test's own account.

    origin, em, edge_url, cf = edge_fixtures(ORIGIN_DOMAIN)

Each is a pytest fixture under the name it is given (`emulator_name` renames the emulator's)."""
import pytest

import e2e_util as u
from test_edge import Origin


def edge_fixtures(*domains, emulator_name="em"):
    @pytest.fixture(scope="module", name="origin")
    def origin_fixture():
        served = Origin()
        yield served
        served.close()

    @pytest.fixture(scope="module", name=emulator_name)
    def emulator_fixture(origin):
        mapped = [flag for domain in domains for flag in ("--origin-address", f"{domain}=127.0.0.1:{origin.port}")]
        emulator = u.Emulator(*mapped)
        yield emulator
        assert emulator.stop() == 0

    @pytest.fixture(scope="module", name="edge_url")
    def edge_url_fixture(request):
        return "http://" + request.getfixturevalue(emulator_name).health()["edge"]["http"]

    @pytest.fixture(name="cf")
    def cf_fixture(request, account):
        return u.make_client(request.getfixturevalue(emulator_name).url, account)

    return origin_fixture, emulator_fixture, edge_url_fixture, cf_fixture
