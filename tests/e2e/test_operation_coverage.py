"""Every operation of both models, as the health endpoint counts them: the ones it lists as not
implemented answer 501 NotImplemented naming themselves, every other one reaches its handler (a
probe with made-up ids answers an AWS error of the model, never 501 and never a 5xx)."""

import json

import pytest
import requests

import e2e_util as u

PROBE_ID = "cfl-coverage-probe"
MODELS = {
    "cloudfront": u.MODEL_DATA_PATH / "cloudfront" / "2020-05-31" / "service-2.json",
    "cloudfront-keyvaluestore": u.MODEL_DATA_PATH / "cloudfront-keyvaluestore" / "2022-07-26" / "service-2.json",
}


def model_operations(service):
    with open(MODELS[service]) as f:
        return json.load(f)["operations"]


def probe_path(request_uri):
    """The operation's URI with every label ({Id}, {Key+}) filled with a made-up value."""
    path, _, query = request_uri.partition("?")
    while "{" in path:
        start = path.index("{")
        path = path[:start] + PROBE_ID + path[path.index("}", start) + 1:]
    return path + ("?" + query if query else "")


@pytest.fixture(scope="module")
def health(url):
    return requests.get(url + "/_emulator/health", timeout=10).json()


def test_health_counts_the_operations_of_both_models(health):
    for service, model in MODELS.items():
        coverage = health["operations"][service]
        operations = model_operations(service)
        assert coverage["operations"] == len(operations), coverage
        assert coverage["implemented"] + len(coverage["not_implemented"]) == len(operations), coverage
        assert set(coverage["not_implemented"]) <= set(operations), coverage
        assert coverage["not_implemented"] == sorted(coverage["not_implemented"])
    assert health["operations"]["cloudfront"]["api_version"] == "2020-05-31"
    # The API is complete: every operation of both models has a handler.
    assert health["operations"]["cloudfront"]["implemented"] == 167
    assert health["operations"]["cloudfront"]["not_implemented"] == []
    assert health["operations"]["cloudfront-keyvaluestore"]["not_implemented"] == []


@pytest.mark.parametrize("service", sorted(MODELS))
def test_each_operation_answers_as_the_health_endpoint_says(health, raw, service):
    missing = set(health["operations"][service]["not_implemented"])
    wrong = []
    for name, operation in sorted(model_operations(service).items()):
        http = operation["http"]
        r = raw.request(http["method"], probe_path(http["requestUri"]),
                        headers={"If-Match": "E2QWRUHAPOMQZL"})
        said_not_implemented = r.status_code == 501 and name in r.text and "NotImplemented" in r.text
        if name in missing and not said_not_implemented:
            wrong.append(f"{name}: listed as not implemented, answered {r.status_code} {r.text[:200]}")
        if name not in missing and (r.status_code >= 500 or "NotImplemented" in r.text):
            wrong.append(f"{name}: implemented, answered {r.status_code} {r.text[:200]}")
    assert not wrong, "\n".join(wrong)
