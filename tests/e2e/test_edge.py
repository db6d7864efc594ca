"""The edge: viewers reach origins through distributions (issue 16).

A real HTTP origin (http.server in a thread) answers what the test tells it to and counts what it
received; distributions are made with boto3; viewers are `requests` and curl, on the edge port that
GET /_emulator/health reports."""

import http.server
import json
import subprocess
import threading

import pytest
import requests

import e2e_util as u

ORIGIN_DOMAIN = "origin.edge.test"
API_DOMAIN = "api.edge.test"
DEAD_DOMAIN = "dead.edge.test"


class Origin:
    """An HTTP origin: answers `routes[path] = (status, headers, body)` (else 200 echoing the
    request as JSON) and keeps every request it received."""

    def __init__(self):
        self.routes = {}
        self.received = []
        self.delay = 0
        origin = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen = {"method": self.command, "path": self.path, "headers": dict(self.headers),
                        "body": body.decode("utf-8", "replace")}
                origin.received.append(seen)
                route = origin.routes.get(self.path.split("?")[0])
                if origin.delay:
                    threading.Event().wait(origin.delay)
                status, headers, payload = route if route else (200, {}, json.dumps(seen).encode())
                if headers.get("ETag") and self.headers.get("If-None-Match") == headers["ETag"]:
                    status, payload = 304, b""  # a conditional request for what it has: not modified
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = do_PATCH = _answer

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def paths(self):
        return [seen["path"] for seen in self.received]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def origin():
    served = Origin()
    yield served
    served.close()


@pytest.fixture(scope="module")
def edge_emulator(origin):
    # DEAD_DOMAIN maps to a port nothing listens on (the origin's, once closed, may be reused).
    em = u.Emulator("--origin-address", f"{ORIGIN_DOMAIN}=127.0.0.1:{origin.port}",
                    "--origin-address", f"{API_DOMAIN}=127.0.0.1:{origin.port}",
                    "--origin-address", f"{DEAD_DOMAIN}=127.0.0.1:9")
    yield em
    assert em.stop() == 0


@pytest.fixture(scope="module")
def edge_url(edge_emulator):
    return "http://" + edge_emulator.health()["edge"]["http"]


@pytest.fixture
def cf_edge(edge_emulator, account):
    return u.make_client(edge_emulator.url, account)


def custom_origin(origin_id, domain, **extra):
    origin = {"Id": origin_id, "DomainName": domain,
              "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "http-only"}}
    origin.update(extra)
    return origin


def edge_config(behaviors=None, origins=None, **overrides):
    origins = origins or [custom_origin("site", ORIGIN_DOMAIN)]
    config = u.dist_config(
        Origins={"Quantity": len(origins), "Items": origins},
        DefaultCacheBehavior={"TargetOriginId": origins[0]["Id"], "ViewerProtocolPolicy": "allow-all",
                              "CachePolicyId": u.CACHING_OPTIMIZED},
    )
    if behaviors:
        config["CacheBehaviors"] = {"Quantity": len(behaviors), "Items": behaviors}
    config.update(overrides)
    return config


def create(cf, config):
    made = cf.create_distribution(DistributionConfig=config)
    return made["Distribution"], made["ETag"]


def get(edge_url, domain, path, **kwargs):
    return requests.get(edge_url + path, headers={"Host": domain, **kwargs.pop("headers", {})},
                        allow_redirects=False, timeout=20, **kwargs)


def assert_cloudfront_error(answer, status):
    assert answer.status_code == status, answer.text
    assert answer.headers["X-Cache"] == "Error from cloudfront"
    assert answer.headers["Server"] == "CloudFront"
    assert "The request could not be satisfied" in answer.text
    assert len(answer.headers["X-Amz-Cf-Id"]) == 56
    assert answer.headers["X-Amz-Cf-Id"] in answer.text


def test_health_reports_the_edge_listener(edge_emulator):
    edge = edge_emulator.health()["edge"]
    host, _, port = edge["http"].rpartition(":")
    assert host == "127.0.0.1" and int(port) > 0
    assert int(port) != edge_emulator.port


def test_no_edge_turns_the_listener_off(start_emulator):
    em = start_emulator("--no-edge")
    assert "edge" not in em.health()


def test_host_routes_to_the_distribution_and_headers_are_cloudfronts(cf_edge, edge_url, origin):
    dist, _ = create(cf_edge, edge_config())
    answer = get(edge_url, dist["DomainName"], "/hello.txt?x=1")
    assert answer.status_code == 200, answer.text
    seen = answer.json()
    assert seen["path"] == "/hello.txt"  # CachingOptimized forwards no query string
    assert seen["headers"]["Host"] == ORIGIN_DOMAIN
    assert seen["headers"]["User-Agent"] == "Amazon CloudFront"
    assert seen["headers"]["X-Amz-Cf-Id"] == answer.headers["X-Amz-Cf-Id"]
    assert answer.headers["Via"].endswith(".cloudfront.net (CloudFront)")
    assert answer.headers["X-Amz-Cf-Pop"]
    assert answer.headers["X-Cache"] in ("Miss from cloudfront", "Hit from cloudfront")


def test_host_header_is_case_insensitive_and_may_carry_a_port(cf_edge, edge_url):
    dist, _ = create(cf_edge, edge_config())
    answer = get(edge_url, dist["DomainName"].upper() + ":80", "/case")
    assert answer.status_code == 200, answer.text


def test_path_form_reaches_a_distribution_without_a_host(cf_edge, edge_url):
    dist, _ = create(cf_edge, edge_config())
    answer = requests.get(f"{edge_url}/_edge/{dist['Id']}/deep/file.css", timeout=20)
    assert answer.status_code == 200, answer.text
    assert answer.json()["path"] == "/deep/file.css"


def test_unknown_host_is_cloudfronts_403(edge_url):
    assert_cloudfront_error(get(edge_url, "dnothere0000000.cloudfront.net", "/"), 403)
    assert_cloudfront_error(requests.get(f"{edge_url}/_edge/ENOSUCHDIST0000/x", timeout=20), 403)


def test_alias_routes_and_an_alias_of_nobody_is_403(cf_edge, edge_url, account):
    alias = f"www-{account}.example.com"
    create(cf_edge, edge_config(**u.with_aliases(alias)))
    assert get(edge_url, alias, "/via-alias").json()["path"] == "/via-alias"
    assert_cloudfront_error(get(edge_url, f"other-{account}.example.com", "/"), 403)


def test_disabled_and_deleted_distributions_do_not_serve(cf_edge, edge_url):
    config = edge_config()
    dist, etag = create(cf_edge, config)
    config["Enabled"] = False
    etag = cf_edge.update_distribution(Id=dist["Id"], IfMatch=etag, DistributionConfig=config)["ETag"]
    assert_cloudfront_error(get(edge_url, dist["DomainName"], "/"), 403)
    cf_edge.delete_distribution(Id=dist["Id"], IfMatch=etag)
    assert_cloudfront_error(get(edge_url, dist["DomainName"], "/"), 403)


def test_an_update_serves_only_once_deployed_on_the_clock(start_emulator, origin, account):
    em = start_emulator("--propagation-delay", "600",
                        "--origin-address", f"{ORIGIN_DOMAIN}=127.0.0.1:{origin.port}",
                        "--origin-address", f"{API_DOMAIN}=127.0.0.1:{origin.port}")
    cf = u.make_client(em.url, account)
    edge = "http://" + em.health()["edge"]["http"]
    config = edge_config(Comment="v1")
    dist, etag = create(cf, config)
    # Created and still InProgress: nothing deployed yet.
    assert_cloudfront_error(get(edge, dist["DomainName"], "/a"), 403)
    em.advance_clock(601)
    assert get(edge, dist["DomainName"], "/a").json()["headers"]["Host"] == ORIGIN_DOMAIN
    config["Origins"]["Items"][0]["DomainName"] = API_DOMAIN
    cf.update_distribution(Id=dist["Id"], IfMatch=etag, DistributionConfig=config)
    assert cf.get_distribution(Id=dist["Id"])["Distribution"]["Status"] == "InProgress"
    # The previous config still serves while the update propagates ...
    assert get(edge, dist["DomainName"], "/b").json()["headers"]["Host"] == ORIGIN_DOMAIN
    em.advance_clock(601)
    # ... and the new one once it is Deployed.
    assert cf.get_distribution(Id=dist["Id"])["Distribution"]["Status"] == "Deployed"
    assert get(edge, dist["DomainName"], "/c").json()["headers"]["Host"] == API_DOMAIN


def test_behaviors_route_by_path_pattern_in_order(cf_edge, edge_url, edge_emulator, origin):
    behaviors = [
        {"PathPattern": "/api/*", "TargetOriginId": "api", "ViewerProtocolPolicy": "allow-all",
         "CachePolicyId": u.CACHING_OPTIMIZED,
         "AllowedMethods": {"Quantity": 7, "Items": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
                            "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]}}},
        {"PathPattern": "*.JPG", "TargetOriginId": "api", "ViewerProtocolPolicy": "https-only",
         "CachePolicyId": u.CACHING_OPTIMIZED},
        {"PathPattern": "/secure/*", "TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https",
         "CachePolicyId": u.CACHING_OPTIMIZED},
    ]
    origins = [custom_origin("site", ORIGIN_DOMAIN, OriginPath="/static"),
               custom_origin("api", API_DOMAIN, CustomHeaders={
                   "Quantity": 1, "Items": [{"HeaderName": "X-Origin-Secret", "HeaderValue": "s3cr3t"}]})]
    dist, _ = create(cf_edge, edge_config(behaviors, origins, DefaultRootObject="index.html"))
    domain = dist["DomainName"]

    api = get(edge_url, domain, "/api/users").json()
    assert (api["path"], api["headers"]["Host"], api["headers"]["X-Origin-Secret"]) == \
        ("/api/users", API_DOMAIN, "s3cr3t")
    posted = requests.post(edge_url + "/api/items", data=b'{"a":1}', timeout=20,
                           headers={"Host": domain, "Content-Type": "application/json"}).json()
    assert (posted["method"], posted["body"], posted["headers"]["Content-Type"]) == \
        ("POST", '{"a":1}', "application/json")

    site = get(edge_url, domain, "/img/a.jpg").json()  # case-sensitive: *.JPG does not match
    assert (site["path"], site["headers"]["Host"]) == ("/static/img/a.jpg", ORIGIN_DOMAIN)
    assert "X-Origin-Secret" not in site["headers"]
    assert get(edge_url, domain, "/").json()["path"] == "/static/index.html"

    # POST to the default behavior (GET/HEAD only): CloudFront's 403.
    refused = requests.post(edge_url + "/page", data=b"x", headers={"Host": domain}, timeout=20)
    assert_cloudfront_error(refused, 403)
    assert "not configured to allow the HTTP request method" in refused.text

    assert_cloudfront_error(get(edge_url, domain, "/img/B.JPG"), 403)  # https-only on HTTP
    moved = get(edge_url, domain, "/secure/x?y=1")
    assert moved.status_code == 301
    https_port = edge_emulator.health()["edge"]["https"].rpartition(":")[2]  # the HTTPS listener's
    assert moved.headers["Location"] == f"https://{domain}:{https_port}/secure/x?y=1"


def test_origin_failures_are_502_and_504(cf_edge, edge_url, origin):
    dead = custom_origin("dead", DEAD_DOMAIN, ConnectionAttempts=1, ConnectionTimeout=1)
    slow = custom_origin("slow", ORIGIN_DOMAIN)
    slow["CustomOriginConfig"]["OriginReadTimeout"] = 1
    behaviors = [{"PathPattern": "/slow/*", "TargetOriginId": "slow", "ViewerProtocolPolicy": "allow-all",
                  "CachePolicyId": u.CACHING_OPTIMIZED}]
    dist, _ = create(cf_edge, edge_config(behaviors, [dead, slow]))
    assert_cloudfront_error(get(edge_url, dist["DomainName"], "/x"), 502)
    origin.delay = 2
    try:
        assert_cloudfront_error(get(edge_url, dist["DomainName"], "/slow/y"), 504)
    finally:
        origin.delay = 0


def test_curl_reaches_an_alias_with_resolve(cf_edge, edge_url, account):
    alias = f"curl-{account}.example.com"
    create(cf_edge, edge_config(**u.with_aliases(alias)))
    port = edge_url.rpartition(":")[2]
    out = subprocess.run(["curl", "-s", "-i", "--resolve", f"{alias}:{port}:127.0.0.1",
                          f"http://{alias}:{port}/curl.txt"], capture_output=True, timeout=30)
    assert out.returncode == 0, out.stderr
    head, _, body = out.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    assert json.loads(body)["path"] == "/curl.txt"


# -- caching on the emulator's clock ------------------------------------------------------------

def hits_of(path, origin):
    return sum(1 for seen in origin.paths() if seen.split("?")[0] == path)


def test_caching_follows_max_age_and_the_clock(cf_edge, edge_url, edge_emulator, origin, account):
    path = f"/cache-{account}.txt"
    origin.routes[path] = (200, {"Cache-Control": "max-age=60", "Content-Type": "text/plain"}, b"v1")
    dist, _ = create(cf_edge, edge_config())  # CachingOptimized: Min 1, Default 86400, Max 1 year
    domain = dist["DomainName"]
    first = get(edge_url, domain, path + "?ignored=1")
    assert (first.status_code, first.text, first.headers["X-Cache"]) == (200, "v1", "Miss from cloudfront")
    assert origin.received[-1]["path"] == path  # CachingOptimized forwards no query string
    edge_emulator.advance_clock(30)
    second = get(edge_url, domain, path + "?other=2")
    assert (second.text, second.headers["X-Cache"]) == ("v1", "Hit from cloudfront")
    assert int(second.headers["Age"]) == 30
    assert hits_of(path, origin) == 1
    origin.routes[path] = (200, {"Cache-Control": "max-age=60"}, b"v2")
    edge_emulator.advance_clock(31)  # 61 s after it was stored: expired
    third = get(edge_url, domain, path)
    assert (third.text, third.headers["X-Cache"]) == ("v2", "Miss from cloudfront")
    assert hits_of(path, origin) == 2
    health = edge_emulator.health()["edge"]["cache"]
    assert health["hits"] >= 1 and health["misses"] >= 2 and health["entries"] >= 1


def test_cache_key_and_ttl_from_a_custom_cache_policy(cf_edge, edge_url, origin, account):
    policy = cf_edge.create_cache_policy(CachePolicyConfig={
        "Name": f"edge-{account}", "MinTTL": 0, "DefaultTTL": 100, "MaxTTL": 1000,
        "ParametersInCacheKeyAndForwardedToOrigin": {
            "EnableAcceptEncodingGzip": False,
            "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": {"Quantity": 1, "Items": ["X-Variant"]}},
            "CookiesConfig": {"CookieBehavior": "none"},
            "QueryStringsConfig": {"QueryStringBehavior": "whitelist",
                                   "QueryStrings": {"Quantity": 1, "Items": ["v"]}}}})["CachePolicy"]
    config = edge_config()
    config["DefaultCacheBehavior"]["CachePolicyId"] = policy["Id"]
    dist, _ = create(cf_edge, config)
    domain = dist["DomainName"]
    path = f"/keyed-{account}"
    assert get(edge_url, domain, path + "?v=1&x=9").headers["X-Cache"] == "Miss from cloudfront"
    assert origin.received[-1]["path"] == path + "?v=1"  # only the key's parameters reach the origin
    assert get(edge_url, domain, path + "?x=8&v=1").headers["X-Cache"] == "Hit from cloudfront"
    assert get(edge_url, domain, path + "?v=2").headers["X-Cache"] == "Miss from cloudfront"
    varied = get(edge_url, domain, path + "?v=1", headers={"X-Variant": "b"})
    assert varied.headers["X-Cache"] == "Miss from cloudfront"
    assert origin.received[-1]["headers"]["X-Variant"] == "b"
    # MinTTL 0: no-store is honoured, never cached.
    fresh = f"/nostore-{account}"
    origin.routes[fresh] = (200, {"Cache-Control": "no-store"}, b"x")
    for _ in range(2):
        assert get(edge_url, domain, fresh).headers["X-Cache"] == "Miss from cloudfront"
    assert hits_of(fresh, origin) == 2


def test_delete_edge_cache_empties_it(cf_edge, edge_url, edge_emulator, origin, account):
    dist, _ = create(cf_edge, edge_config())
    path = f"/flush-{account}"
    get(edge_url, dist["DomainName"], path)
    assert get(edge_url, dist["DomainName"], path).headers["X-Cache"] == "Hit from cloudfront"
    assert edge_emulator.call("DELETE", "/edge/cache")["cleared"] >= 1
    assert get(edge_url, dist["DomainName"], path).headers["X-Cache"] == "Miss from cloudfront"


def test_an_invalidation_purges_once_completed_on_the_clock(cf_edge, edge_url, edge_emulator, origin, account):
    dist, _ = create(cf_edge, edge_config())
    domain = dist["DomainName"]
    a, b, other = f"/inv-{account}/a.css", f"/inv-{account}/b.css", f"/keep-{account}.css"
    for path in (a, b, other):
        get(edge_url, domain, path)
        assert get(edge_url, domain, path).headers["X-Cache"] == "Hit from cloudfront"
    edge_emulator.config(invalidation_delay_seconds=30)
    try:
        made = cf_edge.create_invalidation(DistributionId=dist["Id"], InvalidationBatch={
            "Paths": {"Quantity": 1, "Items": [f"/inv-{account}/*"]}, "CallerReference": f"inv-{account}"})
        assert made["Invalidation"]["Status"] == "InProgress"
        # Until it completes the old objects may still be served.
        assert get(edge_url, domain, a).headers["X-Cache"] == "Hit from cloudfront"
        edge_emulator.advance_clock(31)
    finally:
        edge_emulator.config(invalidation_delay_seconds=0)
    status = cf_edge.get_invalidation(DistributionId=dist["Id"], Id=made["Invalidation"]["Id"])
    assert status["Invalidation"]["Status"] == "Completed"
    assert get(edge_url, domain, a).headers["X-Cache"] == "Miss from cloudfront"
    assert get(edge_url, domain, b).headers["X-Cache"] == "Miss from cloudfront"
    assert get(edge_url, domain, other).headers["X-Cache"] == "Hit from cloudfront"
    # Cached again after the invalidation: served from the cache again.
    assert get(edge_url, domain, a).headers["X-Cache"] == "Hit from cloudfront"


# -- access logs ---------------------------------------------------------------------------------

def test_access_logs_in_the_standard_format(cf_edge, edge_url, edge_emulator, account):
    dist, _ = create(cf_edge, edge_config())
    get(edge_url, dist["DomainName"], f"/log-{account}.html?q=1", headers={"User-Agent": "edge test"})
    get(edge_url, dist["DomainName"], f"/log-{account}.html?q=1", headers={"User-Agent": "edge test"})
    answer = edge_emulator.call("GET", "/edge/logs", query={"distribution": dist["Id"], "limit": 5})
    assert answer["fields"][:4] == ["date", "time", "x-edge-location", "sc-bytes"]
    assert len(answer["fields"]) == 33
    lines = [line.split("\t") for line in answer["lines"]]
    assert len(lines) == 2
    newest, oldest = lines
    assert all(len(fields) == 33 for fields in lines)
    assert (oldest[5], oldest[6], oldest[7], oldest[8]) == ("GET", dist["DomainName"], f"/log-{account}.html", "200")
    assert (oldest[10], oldest[11], oldest[13], newest[13]) == ("edge%20test", "q=1", "Miss", "Hit")
    assert oldest[15] == dist["DomainName"] and oldest[16] == "http"
    with pytest.raises(Exception):
        edge_emulator.call("GET", "/edge/logs", query={"limit": "lots"})


def test_edge_log_file(start_emulator, origin, account, tmp_path):
    log = tmp_path / "edge.log"
    em = start_emulator("--edge-log", str(log), "--origin-address", f"{ORIGIN_DOMAIN}=127.0.0.1:{origin.port}")
    cf = u.make_client(em.url, account)
    dist, _ = create(cf, edge_config())
    requests.get(f"http://{em.health()['edge']['http']}/_edge/{dist['Id']}/file.txt", timeout=20)
    text = log.read_text().splitlines()
    assert text[0] == "#Version: 1.0"
    assert text[1].startswith("#Fields: date time x-edge-location sc-bytes c-ip")
    assert text[2].split("\t")[7] == "/file.txt"


def test_aws_cli_made_distribution_serves(edge_emulator, edge_url, account, tmp_path):
    import os
    cli = os.environ.get("CFL_AWS_CLI", "/usr/bin/aws")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ACCESS_KEY_ID": account, "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_PAGER": "",
                "AWS_MAX_ATTEMPTS": "1"})
    config = tmp_path / "config.json"
    config.write_text(json.dumps(edge_config()))
    out = subprocess.run([cli, "cloudfront", "create-distribution", "--distribution-config", f"file://{config}",
                          "--endpoint-url", edge_emulator.url, "--output", "json"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    domain = json.loads(out.stdout)["Distribution"]["DomainName"]
    answer = get(edge_url, domain, "/from-the-cli")
    assert answer.status_code == 200 and answer.json()["path"] == "/from-the-cli"


def test_custom_error_responses_page_code_and_error_caching(cf_edge, edge_url, edge_emulator, origin, account):
    missing, page = f"/missing-{account}", f"/errors-{account}/404.html"
    origin.routes[missing] = (404, {"Content-Type": "text/plain"}, b"origin 404")
    origin.routes[page] = (200, {"Content-Type": "text/html"}, b"<h1>custom page</h1>")
    dist, _ = create(cf_edge, edge_config(CustomErrorResponses={"Quantity": 1, "Items": [
        {"ErrorCode": 404, "ResponsePagePath": page, "ResponseCode": "200", "ErrorCachingMinTTL": 5}]}))
    answer = get(edge_url, dist["DomainName"], missing)
    assert (answer.status_code, answer.text) == (200, "<h1>custom page</h1>")
    assert answer.headers["X-Cache"] == "Error from cloudfront"
    assert hits_of(missing, origin) == 1
    assert get(edge_url, dist["DomainName"], missing).text == "<h1>custom page</h1>"
    assert hits_of(missing, origin) == 1  # the 404 is cached for ErrorCachingMinTTL
    edge_emulator.advance_clock(6)
    get(edge_url, dist["DomainName"], missing)
    assert hits_of(missing, origin) == 2
    # Without a custom error response the origin's error passes through.
    other = f"/plain-missing-{account}"
    origin.routes[other] = (403, {}, b"origin 403")
    plain = get(edge_url, dist["DomainName"], other)
    assert (plain.status_code, plain.text) == (403, "origin 403")


def test_origin_group_fails_over_on_its_statuses_and_on_an_unreachable_primary(cf_edge, edge_url, origin,
                                                                               account):
    origins = [custom_origin("primary", API_DOMAIN), custom_origin("secondary", ORIGIN_DOMAIN, OriginPath="/second"),
               custom_origin("dead", DEAD_DOMAIN, ConnectionAttempts=1)]

    def group(group_id, first):
        return {"Id": group_id, "FailoverCriteria": {"StatusCodes": {"Quantity": 2, "Items": [500, 503]}},
                "Members": {"Quantity": 2, "Items": [{"OriginId": first}, {"OriginId": "secondary"}]}}

    behaviors = [{"PathPattern": "/dead/*", "TargetOriginId": "dead-group", "ViewerProtocolPolicy": "allow-all",
                  "CachePolicyId": u.CACHING_OPTIMIZED}]
    config = edge_config(behaviors, origins, OriginGroups={
        "Quantity": 2, "Items": [group("group", "primary"), group("dead-group", "dead")]})
    config["DefaultCacheBehavior"]["TargetOriginId"] = "group"
    dist, _ = create(cf_edge, config)
    failing = f"/fo-{account}"
    origin.routes[failing] = (500, {}, b"primary failed")
    origin.routes["/second" + failing] = (200, {}, b"from the secondary")
    assert get(edge_url, dist["DomainName"], failing).text == "from the secondary"
    assert [seen["headers"]["Host"] for seen in origin.received[-2:]] == [API_DOMAIN, ORIGIN_DOMAIN]
    ok = get(edge_url, dist["DomainName"], f"/fine-{account}").json()
    assert ok["headers"]["Host"] == API_DOMAIN  # the primary answers: no failover
    assert get(edge_url, dist["DomainName"], f"/dead/x-{account}").json()["path"] == f"/second/dead/x-{account}"


def test_response_headers_policies_managed_and_custom(cf_edge, edge_url, origin, account):
    custom = cf_edge.create_response_headers_policy(ResponseHeadersPolicyConfig={
        "Name": f"edge-rhp-{account}",
        "CorsConfig": {
            "AccessControlAllowOrigins": {"Quantity": 1, "Items": ["https://app.example.com"]},
            "AccessControlAllowHeaders": {"Quantity": 1, "Items": ["Content-Type"]},
            "AccessControlAllowMethods": {"Quantity": 2, "Items": ["GET", "POST"]},
            "AccessControlAllowCredentials": False, "AccessControlMaxAgeSec": 600, "OriginOverride": True},
        "CustomHeadersConfig": {"Quantity": 1, "Items": [{"Header": "X-Served-By", "Value": "edge",
                                                           "Override": True}]}})["ResponseHeadersPolicy"]
    # (RemoveHeadersConfig is newer than Debian's boto3: the unit test shows it.)
    behaviors = [{"PathPattern": "/api/*", "TargetOriginId": "site", "ViewerProtocolPolicy": "allow-all",
                  "CachePolicyId": u.CACHING_OPTIMIZED, "ResponseHeadersPolicyId": custom["Id"],
                  "AllowedMethods": {"Quantity": 3, "Items": ["GET", "HEAD", "OPTIONS"],
                                     "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]}}}]
    config = edge_config(behaviors)
    config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] = "67f7725c-6f97-4210-82d7-5512b31e9d03"
    dist, _ = create(cf_edge, config)
    page = get(edge_url, dist["DomainName"], f"/page-{account}")
    assert page.headers["X-Content-Type-Options"] == "nosniff"  # Managed-SecurityHeadersPolicy
    assert page.headers["X-Frame-Options"] == "SAMEORIGIN"
    api = f"/api/rhp-{account}"
    origin.routes[api] = (200, {"X-Served-By": "origin"}, b"{}")
    answer = get(edge_url, dist["DomainName"], api, headers={"Origin": "https://app.example.com"})
    assert answer.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert answer.headers["X-Served-By"] == "edge"  # Override: the policy's value replaces the origin's
    preflight = requests.options(edge_url + api, timeout=20, headers={
        "Host": dist["DomainName"], "Origin": "https://app.example.com", "Access-Control-Request-Method": "POST"})
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, POST"
    assert preflight.headers["Access-Control-Max-Age"] == "600"


def raw_get(edge_url, domain, path, accept_encoding=None):
    """GET without decoding (requests would inflate): (status, headers, body bytes)."""
    import http.client
    from urllib.parse import urlsplit
    where = urlsplit(edge_url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=20)
    headers = {"Host": domain}
    if accept_encoding is not None:
        headers["Accept-Encoding"] = accept_encoding
    connection.request("GET", path, headers=headers)
    answer = connection.getresponse()
    body = answer.read()
    connection.close()
    return answer.status, {k.lower(): v for k, v in answer.getheaders()}, body


def test_compression_gzip_and_br_as_the_viewer_accepts(cf_edge, edge_url, origin, account):
    """Compress on a behavior with CachingOptimized (gzip and br in its key): br when the viewer takes
    both, gzip when only gzip, identity otherwise; the ETag turns weak; each encoding is cached apart;
    small bodies, other types, chunked or already-encoded answers, and Compress off stay as they were."""
    import brotli
    import gzip

    page = ("<p>" + "compressible text " * 300 + "</p>").encode()
    paths = {name: f"/{name}-{account}" for name in ("page", "small", "image", "encoded", "plain")}
    origin.routes[paths["page"]] = (200, {"Content-Type": "text/html; charset=utf-8", "ETag": '"v1"',
                                          "Cache-Control": "max-age=600"}, page)
    origin.routes[paths["small"]] = (200, {"Content-Type": "text/html"}, b"x" * 999)
    origin.routes[paths["image"]] = (200, {"Content-Type": "image/png"}, page)
    origin.routes[paths["encoded"]] = (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"},
                                       gzip.compress(page))
    config = edge_config()
    config["DefaultCacheBehavior"]["Compress"] = True
    dist, _ = create(cf_edge, config)
    domain = dist["DomainName"]

    status, headers, body = raw_get(edge_url, domain, paths["page"], "gzip, deflate, br")
    assert (status, headers["content-encoding"], headers["etag"]) == (200, "br", 'W/"v1"')
    assert brotli.decompress(body) == page and int(headers["content-length"]) == len(body) < len(page)
    assert origin.received[-1]["headers"]["Accept-Encoding"] == "br,gzip"  # normalized, as CloudFront sends it
    status, headers, body = raw_get(edge_url, domain, paths["page"], "gzip")
    assert (headers["content-encoding"], headers["x-cache"]) == ("gzip", "Miss from cloudfront")
    assert gzip.decompress(body) == page
    status, headers, body = raw_get(edge_url, domain, paths["page"], "gzip;q=1.0")
    assert (headers["content-encoding"], headers["x-cache"]) == ("gzip", "Hit from cloudfront")
    status, headers, body = raw_get(edge_url, domain, paths["page"])
    assert "content-encoding" not in headers and body == page and headers["etag"] == '"v1"'
    assert hits_of(paths["page"], origin) == 3  # br, gzip and identity: three objects

    for name in ("small", "image"):
        status, headers, body = raw_get(edge_url, domain, paths[name], "gzip, br")
        assert status == 200 and "content-encoding" not in headers, name
    status, headers, body = raw_get(edge_url, domain, paths["encoded"], "br")
    assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == page  # never compressed twice

    config = edge_config()  # Compress off (the default)
    plain, _ = create(cf_edge, config)
    origin.routes[paths["plain"]] = origin.routes[paths["page"]]
    status, headers, body = raw_get(edge_url, plain["DomainName"], paths["plain"], "gzip, br")
    assert "content-encoding" not in headers and body == page


def test_an_expired_object_is_revalidated_a_304_is_a_refresh_hit(cf_edge, edge_url, edge_emulator, origin, account):
    """Expired on the clock, an object with an ETag is revalidated (If-None-Match): the origin's 304
    serves the kept object as a RefreshHit and starts its TTL again; a changed object is a Miss."""
    path = f"/revalidate-{account}.txt"
    origin.routes[path] = (200, {"Cache-Control": "max-age=60", "Content-Type": "text/plain", "ETag": '"r1"'}, b"one")
    dist, _ = create(cf_edge, edge_config())
    domain = dist["DomainName"]
    assert get(edge_url, domain, path).headers["X-Cache"] == "Miss from cloudfront"
    edge_emulator.advance_clock(61)
    refreshed = get(edge_url, domain, path)
    assert (refreshed.status_code, refreshed.text, refreshed.headers["X-Cache"]) == (
        200, "one", "RefreshHit from cloudfront")
    assert origin.received[-1]["headers"]["If-None-Match"] == '"r1"'
    assert refreshed.headers["ETag"] == '"r1"'
    edge_emulator.advance_clock(30)  # 30 s into the TTL the 304 started
    assert get(edge_url, domain, path).headers["X-Cache"] == "Hit from cloudfront"
    assert hits_of(path, origin) == 2
    origin.routes[path] = (200, {"Cache-Control": "max-age=60", "Content-Type": "text/plain", "ETag": '"r2"'}, b"two")
    edge_emulator.advance_clock(31)
    changed = get(edge_url, domain, path)
    assert (changed.text, changed.headers["X-Cache"]) == ("two", "Miss from cloudfront")
    assert hits_of(path, origin) == 3
    logged = edge_emulator.call("GET", "/edge/logs", query={"distribution": dist["Id"], "limit": 5})["lines"]
    assert [line.split("\t")[13] for line in reversed(logged)] == ["Miss", "RefreshHit", "Hit", "Miss"]


def test_server_timing_from_a_response_headers_policy(cf_edge, edge_url, origin, account):
    """ServerTimingHeadersConfig: at SamplingRate 100 every answer carries CloudFront's metrics (a miss
    with the origin's first-byte time, then a hit from the edge layer); at 0, none does."""
    path = f"/timing-{account}.txt"
    origin.routes[path] = (200, {"Cache-Control": "max-age=600", "Content-Type": "text/plain"}, b"timed")

    def policy(name, rate):
        return cf_edge.create_response_headers_policy(ResponseHeadersPolicyConfig={
            "Name": f"{name}-{account}",
            "ServerTimingHeadersConfig": {"Enabled": True, "SamplingRate": rate}})["ResponseHeadersPolicy"]["Id"]

    def distribution(policy_id):
        config = edge_config()
        config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] = policy_id
        return create(cf_edge, config)[0]["DomainName"]

    always = distribution(policy("timing-all", 100))
    miss = get(edge_url, always, path)
    metrics = [m.split(";")[0] for m in miss.headers["Server-Timing"].split(",")]
    assert metrics == ["cdn-upstream-layer", "cdn-upstream-fbl", "cdn-cache-miss", "cdn-pop", "cdn-rid",
                       "cdn-downstream-fbl"], miss.headers["Server-Timing"]
    assert f'cdn-rid;desc="{miss.headers["X-Amz-Cf-Id"]}"' in miss.headers["Server-Timing"]
    hit = get(edge_url, always, path)
    assert "cdn-cache-hit" in hit.headers["Server-Timing"] and 'cdn-hit-layer;desc="EDGE"' in hit.headers["Server-Timing"]
    assert "cdn-upstream" not in hit.headers["Server-Timing"]

    never = distribution(policy("timing-none", 0))
    assert all("Server-Timing" not in get(edge_url, never, path).headers for _ in range(5))


def test_head_gets_a_gets_headers_and_length_without_a_body(cf_edge, edge_url, origin, account):
    path, empty = f"/head-{account}.txt", f"/empty-{account}"
    origin.routes[path] = (200, {"Content-Type": "text/plain", "Cache-Control": "max-age=60"}, b"h" * 1234)
    origin.routes[empty] = (204, {}, b"")
    dist, _ = create(cf_edge, edge_config())
    domain = dist["DomainName"]
    head = requests.head(edge_url + path, headers={"Host": domain}, timeout=20)
    # Not cached: the origin was asked with HEAD, and its length is the GET's.
    assert (head.status_code, head.headers["Content-Length"], head.content) == (200, "1234", b"")
    assert head.headers["X-Cache"] == "Miss from cloudfront"
    assert [seen["method"] for seen in origin.received if seen["path"] == path] == ["HEAD"]
    assert len(get(edge_url, domain, path).content) == 1234
    head = requests.head(edge_url + path, headers={"Host": domain}, timeout=20)
    assert (head.status_code, head.headers["Content-Length"], head.content) == (200, "1234", b"")
    assert head.headers["X-Cache"] == "Hit from cloudfront"
    assert hits_of(path, origin) == 2  # the HEAD, then the GET; this HEAD came from the cache
    # An origin's 204 (no body, as a HEAD's answer) passes through.
    assert get(edge_url, domain, empty).status_code == 204


def test_an_origins_error_is_an_error_from_cloudfront_and_cached_as_one(cf_edge, edge_url, edge_emulator, origin,
                                                                       account):
    missing = f"/gone-{account}"
    origin.routes[missing] = (404, {"Content-Type": "text/plain"}, b"origin 404")
    dist, _ = create(cf_edge, edge_config())
    for _ in range(2):
        answer = get(edge_url, dist["DomainName"], missing)
        assert (answer.status_code, answer.text) == (404, "origin 404")
        assert answer.headers["X-Cache"] == "Error from cloudfront"
    assert hits_of(missing, origin) == 1  # cached for the error caching minimum TTL (10 s)
    lines = edge_emulator.call("GET", "/edge/logs", query={"distribution": dist["Id"], "limit": 5})["lines"]
    assert [line.split("\t")[13] for line in lines] == ["Error", "Error"]


def test_a_policy_update_reaches_viewers_once_its_distributions_deploy(start_emulator, origin, account):
    em = start_emulator("--propagation-delay", "600", "--origin-address", f"{ORIGIN_DOMAIN}=127.0.0.1:{origin.port}")
    cf = u.make_client(em.url, account)
    edge = "http://" + em.health()["edge"]["http"]
    policy_config = {"Name": f"propagating-{account}", "CustomHeadersConfig": {"Quantity": 1, "Items": [
        {"Header": "X-Policy-Version", "Value": "v1", "Override": True}]}}
    made = cf.create_response_headers_policy(ResponseHeadersPolicyConfig=policy_config)
    policy_id, policy_etag = made["ResponseHeadersPolicy"]["Id"], made["ETag"]
    config = edge_config()
    config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] = policy_id
    dist, _ = create(cf, config)
    em.advance_clock(601)
    assert get(edge, dist["DomainName"], f"/p-{account}").headers["X-Policy-Version"] == "v1"
    policy_config["CustomHeadersConfig"]["Items"][0]["Value"] = "v2"
    cf.update_response_headers_policy(Id=policy_id, IfMatch=policy_etag, ResponseHeadersPolicyConfig=policy_config)
    # The update renews the distribution (InProgress); viewers keep v1 until it deploys.
    assert cf.get_distribution(Id=dist["Id"])["Distribution"]["Status"] == "InProgress"
    assert get(edge, dist["DomainName"], f"/p-{account}").headers["X-Policy-Version"] == "v1"
    em.advance_clock(601)
    assert cf.get_distribution(Id=dist["Id"])["Distribution"]["Status"] == "Deployed"
    assert get(edge, dist["DomainName"], f"/p-{account}").headers["X-Policy-Version"] == "v2"
    # The API shows the policy as updated at once, as CloudFront's does.
    got = cf.get_response_headers_policy(Id=policy_id)["ResponseHeadersPolicy"]
    assert got["ResponseHeadersPolicyConfig"]["CustomHeadersConfig"]["Items"][0]["Value"] == "v2"
