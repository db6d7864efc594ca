"""CloudFront Functions on the edge's request path (issue 17).

Functions are created and published with boto3, associated with distributions whose origin is a
real HTTP server (test_edge's Origin), and viewers are `requests`: a viewer-request function
rewrites the request (cache key and origin) or answers itself, a viewer-response function changes
the answer, a key value store's data (written through the data plane with boto3 + SigV4A) changes
what a 2.0 function answers, failures answer CloudFront's 503, each run's console.log lines are read
from the control plane, and Lambda@Edge associations are reported as skipped."""

import json
import os
import subprocess

import pytest

import e2e_util as u
from test_edge import ORIGIN_DOMAIN, Origin, create, edge_config, get
from test_functions import cf_client
from test_keyvaluestore_plane import kvs_client

ALL_VIEWER = "216adef6-5c7f-47e4-b989-5492eafa07d3"  # the managed origin request policy


@pytest.fixture(scope="module")
def fn_origin():
    served = Origin()
    yield served
    served.close()


@pytest.fixture(scope="module")
def fn_emulator(fn_origin):
    em = u.Emulator("--origin-address", f"{ORIGIN_DOMAIN}=127.0.0.1:{fn_origin.port}")
    yield em
    assert em.stop() == 0


@pytest.fixture(scope="module")
def fn_edge(fn_emulator):
    return "http://" + fn_emulator.health()["edge"]["http"]


@pytest.fixture
def cf(fn_emulator, account):
    return cf_client(fn_emulator.url, account)  # with the model copy: boto3 of Debian lacks KeyValueStores


def published(cf, name, code, runtime="cloudfront-js-2.0", store_arn=None):
    """Creates and publishes a function; returns its ARN."""
    config = {"Comment": name, "Runtime": runtime}
    if store_arn:
        config["KeyValueStoreAssociations"] = {"Quantity": 1, "Items": [{"KeyValueStoreARN": store_arn}]}
    etag = cf.create_function(Name=name, FunctionConfig=config, FunctionCode=code.encode())["ETag"]
    summary = cf.publish_function(Name=name, IfMatch=etag)["FunctionSummary"]
    return summary["FunctionMetadata"]["FunctionARN"]


def associations(**arns):
    """FunctionAssociations of viewer_request= / viewer_response= ARNs."""
    items = [{"EventType": event.replace("_", "-"), "FunctionARN": arn} for event, arn in arns.items()]
    return {"Quantity": len(items), "Items": items}


def with_functions(**arns):
    config = edge_config()
    config["DefaultCacheBehavior"]["FunctionAssociations"] = associations(**arns)
    return config


def access_log(emulator, dist_id):
    answer = emulator.call("GET", "/edge/logs", query={"distribution": dist_id, "limit": 10})
    fields = answer["fields"]
    return [dict(zip(fields, line.split("\t"))) for line in answer["lines"]]


REWRITE = """
function handler(event) {
  var request = event.request;
  console.log('rewriting ' + request.uri + ' for ' + event.viewer.ip);
  if (request.uri.endsWith('/')) request.uri += 'index.html';
  request.headers['x-rewritten'] = {value: 'yes'};
  request.querystring = {lang: {value: request.querystring.lang ? request.querystring.lang.value : 'en'}};
  return request;
}
"""


def test_a_uri_rewrite_reaches_the_origin_and_is_cached_under_the_rewritten_key(
        cf, fn_edge, fn_emulator, fn_origin, account):
    arn = published(cf, "rewrite", REWRITE)
    config = with_functions(viewer_request=arn)
    config["DefaultCacheBehavior"]["OriginRequestPolicyId"] = ALL_VIEWER  # the origin sees every header and query
    dist, _ = create(cf, config)
    before = len(fn_origin.received)
    first = get(fn_edge, dist["DomainName"], f"/docs-{account}/?utm=1")
    assert first.status_code == 200, first.text
    assert first.headers["X-Cache"] == "Miss from cloudfront"
    seen = first.json()
    assert seen["path"] == f"/docs-{account}/index.html?lang=en"
    assert seen["headers"]["x-rewritten"] == "yes"
    # The cache key is the rewritten request's: another viewer URI that rewrites alike is a hit.
    again = get(fn_edge, dist["DomainName"], f"/docs-{account}/index.html?other=2")
    assert again.headers["X-Cache"] == "Hit from cloudfront"
    assert len(fn_origin.received) == before + 1

    runs = fn_emulator.call("GET", "/edge/function-logs",
                            query={"distribution": dist["Id"], "function": "rewrite", "limit": 5})["runs"]
    assert [run["logs"] for run in runs] == [[f"rewriting /docs-{account}/index.html for 127.0.0.1"],
                                             [f"rewriting /docs-{account}/ for 127.0.0.1"]]
    assert runs[0]["eventType"] == "viewer-request" and runs[0]["error"] == ""
    assert runs[1]["requestId"] == first.headers["X-Amz-Cf-Id"]
    assert fn_emulator.call("GET", "/edge/function-logs", query={"function": "other"})["runs"] == []
    with pytest.raises(Exception):
        fn_emulator.call("GET", "/edge/function-logs", query={"limit": "lots"})


REDIRECT = """
function handler(event) {
  if (event.request.uri === '/old') {
    return {statusCode: 301, statusDescription: 'Moved Permanently',
            headers: {location: {value: 'https://example.com/new'}},
            cookies: {seen: {value: '1', attributes: 'Path=/'}}};
  }
  if (event.request.uri === '/hello') {
    return {statusCode: 200, headers: {'content-type': {value: 'text/plain'}}, body: 'hello from the edge'};
  }
  return event.request;
}
"""


def test_a_function_answers_a_redirect_itself_without_the_origin(cf, fn_edge, fn_emulator, fn_origin, account):
    arn = published(cf, "redirect", REDIRECT, runtime="cloudfront-js-1.0")
    dist, _ = create(cf, with_functions(viewer_request=arn))
    before = len(fn_origin.received)
    moved = get(fn_edge, dist["DomainName"], "/old")
    assert moved.status_code == 301
    assert moved.headers["Location"] == "https://example.com/new"
    assert moved.headers["Set-Cookie"] == "seen=1; Path=/"
    assert moved.headers["X-Cache"] == "FunctionGeneratedResponse from cloudfront"
    hello = get(fn_edge, dist["DomainName"], "/hello")
    assert (hello.status_code, hello.text, hello.headers["Content-Type"]) == (200, "hello from the edge", "text/plain")
    assert len(fn_origin.received) == before  # the origin was never asked
    passed = get(fn_edge, dist["DomainName"], f"/other-{account}")
    assert passed.status_code == 200 and passed.json()["path"] == f"/other-{account}"
    logged = access_log(fn_emulator, dist["Id"])
    assert logged[-1]["x-edge-result-type"] == "FunctionGeneratedResponse"
    assert logged[-1]["x-edge-detailed-result-type"] == "FunctionGeneratedResponse"


ADD_HEADER = """
function handler(event) {
  var response = event.response;
  response.headers['x-powered-by-function'] = {value: 'viewer-response ' + response.statusCode};
  response.cookies['visited'] = {value: 'yes', attributes: 'Secure'};
  delete response.headers['x-origin-secret'];
  return response;
}
"""


def test_a_viewer_response_function_changes_headers_and_cookies_of_hits_and_misses(cf, fn_edge, fn_origin, account):
    fn_origin.routes[f"/page-{account}"] = (200, {"Cache-Control": "max-age=60", "X-Origin-Secret": "s",
                                                  "Content-Type": "text/plain"}, b"body stays")
    arn = published(cf, "add-header", ADD_HEADER)
    dist, _ = create(cf, with_functions(viewer_response=arn))
    for expected in ("Miss from cloudfront", "Hit from cloudfront"):
        answer = get(fn_edge, dist["DomainName"], f"/page-{account}")
        assert answer.status_code == 200 and answer.text == "body stays"
        assert answer.headers["X-Cache"] == expected
        assert answer.headers["x-powered-by-function"] == "viewer-response 200"
        assert answer.headers["Set-Cookie"] == "visited=yes; Secure"
        assert "X-Origin-Secret" not in answer.headers
    # Not on an answer of 400 or more (CloudFront's restriction on viewer-response functions).
    fn_origin.routes[f"/gone-{account}"] = (404, {"X-Origin-Secret": "s"}, b"not here")
    missing = get(fn_edge, dist["DomainName"], f"/gone-{account}")
    assert missing.status_code == 404 and "x-powered-by-function" not in missing.headers
    assert missing.headers["X-Origin-Secret"] == "s"


KVS_LOOKUP = """
import cf from 'cloudfront';
const kvs = cf.kvs();
async function handler(event) {
  let target;
  try {
    target = await kvs.get(event.request.uri);
  } catch (e) {
    return event.request;
  }
  return {statusCode: 302, headers: {location: {value: target}}};
}
"""


def test_a_key_value_store_lookup_changes_the_answer(cf, fn_emulator, fn_edge, account):
    kvs = kvs_client(fn_emulator.url, account)
    store = cf.create_key_value_store(Name="redirects")["KeyValueStore"]
    arn = published(cf, "kvs-redirect", KVS_LOOKUP, store_arn=store["ARN"])
    dist, _ = create(cf, with_functions(viewer_request=arn))
    path = f"/promo-{account}"
    assert get(fn_edge, dist["DomainName"], path).status_code == 200  # no key: to the origin
    etag = kvs.describe_key_value_store(KvsARN=store["ARN"])["ETag"]
    kvs.put_key(KvsARN=store["ARN"], Key=path, Value="https://example.com/sale", IfMatch=etag)
    answer = get(fn_edge, dist["DomainName"], path)
    assert answer.status_code == 302 and answer.headers["Location"] == "https://example.com/sale"


def assert_function_error(answer, result):
    assert answer.status_code == 503, answer.text
    assert answer.headers["X-Cache"] == f"{result} from cloudfront"
    assert answer.headers["Server"] == "CloudFront"
    assert "The request could not be satisfied" in answer.text
    assert "The CloudFront function associated with the CloudFront distribution is invalid or could not run" \
        in answer.text


def test_a_failing_function_answers_503_and_is_logged(cf, fn_edge, fn_emulator, fn_origin):
    throws = published(cf, "throws", "function handler(event) { console.log('about to fail'); throw new Error('boom'); }")
    invalid = published(cf, "invalid", "function handler(event) { return 42; }")
    loops = published(cf, "loops", "function handler(event) { while (true) {} }")
    hungry = published(cf, "hungry", "function handler(event) { var s = 'x'; while (true) s += s; }")
    bad_response = published(cf, "bad-response", "function handler(event) { return event.request; }")
    # Filling 16 MB by doubling a string costs the handler 40-90 ms of CPU where page faults are slow,
    # about the default time limit (50 ms): the memory case runs with time to spare, so that the
    # memory limit, not the clock, ends it on any machine.
    memory_only = {"function_time_limit_ms": 5000}
    cases = [(with_functions(viewer_request=throws), "FunctionExecutionError", True, {}),
             (with_functions(viewer_request=invalid), "FunctionExecutionError", True, {}),
             (with_functions(viewer_request=loops), "FunctionThrottledError", True, {}),
             (with_functions(viewer_request=hungry), "FunctionExecutionError", True, memory_only),
             (with_functions(viewer_response=bad_response), "FunctionExecutionError", False, {})]
    default_time_limit = fn_emulator.config()["function_time_limit_ms"]
    for config, result, on_request, settings in cases:
        dist, _ = create(cf, config)
        before = len(fn_origin.received)
        fn_emulator.config(**settings)
        try:
            assert_function_error(get(fn_edge, dist["DomainName"], "/x"), result)
        finally:
            fn_emulator.config(function_time_limit_ms=default_time_limit)
        # A failed viewer-request function never reaches the origin; a viewer-response one ran after it.
        assert len(fn_origin.received) == before + (0 if on_request else 1)
        logged = access_log(fn_emulator, dist["Id"])[0]
        assert (logged["sc-status"], logged["x-edge-result-type"], logged["x-edge-detailed-result-type"]) == \
            ("503", "Error", result)
    runs = fn_emulator.call("GET", "/edge/function-logs", query={"function": "throws", "limit": 1})["runs"]
    assert runs[0]["logs"] == ["about to fail"] and "boom" in runs[0]["error"]
    hungry_run = fn_emulator.call("GET", "/edge/function-logs", query={"function": "hungry", "limit": 1})["runs"][0]
    assert hungry_run["error"]  # njs reports the failed allocation in its own words


def test_lambda_at_edge_associations_are_reported_as_skipped(cf, fn_edge, account):
    lambda_arn = f"arn:aws:lambda:us-east-1:{account}:function:auth:3"
    config = edge_config()
    config["DefaultCacheBehavior"]["LambdaFunctionAssociations"] = {
        "Quantity": 1, "Items": [{"EventType": "viewer-request", "LambdaFunctionARN": lambda_arn,
                                  "IncludeBody": False}]}
    dist, _ = create(cf, config)
    answer = get(fn_edge, dist["DomainName"], "/lambda")
    assert answer.status_code == 200
    assert answer.headers["X-Cfl-Lambda-Skipped"] == f"viewer-request={lambda_arn}"


def test_an_association_serves_once_deployed_and_a_publish_at_once(start_emulator, account):
    origin = Origin()
    try:
        em = start_emulator("--propagation-delay", "600", "--origin-address", f"{ORIGIN_DOMAIN}=127.0.0.1:{origin.port}")
        cf = u.make_client(em.url, account)
        edge = "http://" + em.health()["edge"]["http"]
        code = "function handler(event) { return {statusCode: 200, body: 'v1'}; }"
        arn = published(cf, "versioned", code)
        config = edge_config(Comment="no function yet")
        dist, etag = create(cf, config)
        em.advance_clock(601)
        assert get(edge, dist["DomainName"], "/v").json()["path"] == "/v"
        config["DefaultCacheBehavior"]["FunctionAssociations"] = associations(viewer_request=arn)
        cf.update_distribution(Id=dist["Id"], IfMatch=etag, DistributionConfig=config)
        # The association propagates: the previous config (no function) still serves ...
        assert get(edge, dist["DomainName"], "/w").json()["path"] == "/w"
        em.advance_clock(601)
        # ... and the function runs once the config is Deployed.
        assert get(edge, dist["DomainName"], "/w").text == "v1"
        # A publish reaches the edge at once.
        dev_etag = cf.describe_function(Name="versioned")["ETag"]
        dev_etag = cf.update_function(Name="versioned", IfMatch=dev_etag,
                                      FunctionConfig={"Comment": "v2", "Runtime": "cloudfront-js-2.0"},
                                      FunctionCode=code.replace("v1", "v2").encode())["ETag"]
        assert get(edge, dist["DomainName"], "/w").text == "v1"  # DEVELOPMENT changed, LIVE not yet
        cf.publish_function(Name="versioned", IfMatch=dev_etag)
        assert get(edge, dist["DomainName"], "/w").text == "v2"
    finally:
        origin.close()


def test_the_aws_cli_publishes_a_function_that_the_edge_runs(fn_emulator, fn_edge, account, tmp_path):
    """The README's flow with the AWS CLI v2: create-function, publish-function, a distribution with
    the association, then the edge runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ACCESS_KEY_ID": account, "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_PAGER": "",
                "AWS_MAX_ATTEMPTS": "1"})

    def aws(*args):
        cmd = ["/usr/bin/aws", "cloudfront", *args, "--endpoint-url", fn_emulator.url, "--output", "json"]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{cmd}\n{done.stderr}"
        return json.loads(done.stdout)

    code = tmp_path / "fn.js"
    code.write_text("function handler(event) { var r = event.request; "
                    "if (r.uri.endsWith('/')) r.uri += 'index.html'; return r; }")
    etag = aws("create-function", "--name", "index-rewrite", "--function-config",
               "Comment=rewrite,Runtime=cloudfront-js-2.0", "--function-code", f"fileb://{code}")["ETag"]
    arn = aws("publish-function", "--name", "index-rewrite", "--if-match", etag)[
        "FunctionSummary"]["FunctionMetadata"]["FunctionARN"]
    config = tmp_path / "dist.json"
    config.write_text(json.dumps(with_functions(viewer_request=arn)))
    dist = aws("create-distribution", "--distribution-config", f"file://{config}")["Distribution"]
    answer = get(fn_edge, dist["DomainName"], f"/cli-{account}/")
    assert answer.status_code == 200 and answer.json()["path"] == f"/cli-{account}/index.html"
