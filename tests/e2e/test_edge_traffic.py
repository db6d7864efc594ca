"""What a distribution does to traffic before its origin (issue 17): geographic restriction by the
viewer's country, the CloudFront-Viewer-* headers policies ask for, and continuous deployment
(a primary distribution's policy handing requests to its staging distribution by header, or by a
weight drawn under a seed the control plane sets, with sticky sessions).

Viewers say where they are with the emulator's test headers (X-Cfl-Viewer-Country: FR, ...), or
the control plane sets the profile of viewers that do not (PUT /_emulator/edge/viewer). Distributions
and policies are made with boto3; a real HTTP origin records what reaches it; each distribution
config adds a custom header (X-Served-By) so the origin tells primary from staging."""

import pytest
import requests

import e2e_util as u
from edge_fixtures import edge_fixtures
from test_edge import custom_origin, edge_config, ORIGIN_DOMAIN

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER = "216adef6-5c7f-47e4-b989-5492eafa07d3"
ALL_VIEWER_AND_CLOUDFRONT_HEADERS = "33f36d7e-f396-46d9-90e0-52428a34d9dc"
GEO_TEXT = "The Amazon CloudFront distribution is configured to block access from your country."


origin, emulator, edge_url, cf = edge_fixtures(ORIGIN_DOMAIN, emulator_name="emulator")


def served_by(name, **extra):
    """The site origin, telling the origin which config sent the request."""
    return custom_origin("site", ORIGIN_DOMAIN, CustomHeaders={
        "Quantity": 1, "Items": [{"HeaderName": "X-Served-By", "HeaderValue": name}]}, **extra)


def uncached_config(name="primary", origin_request_policy=None, **overrides):
    config = edge_config(origins=[served_by(name)], **overrides)
    config["DefaultCacheBehavior"]["CachePolicyId"] = CACHING_DISABLED
    if origin_request_policy:
        config["DefaultCacheBehavior"]["OriginRequestPolicyId"] = origin_request_policy
    return config


def create(cf, config):
    return cf.create_distribution(DistributionConfig=config)["Distribution"]


def get(edge_url, domain, path, **headers):
    return requests.get(edge_url + path, headers={"Host": domain, **headers}, allow_redirects=False, timeout=20)


def origin_saw(answer):
    """The request the origin echoed (the Origin's default answer)."""
    assert answer.status_code == 200, answer.text
    return answer.json()["headers"]


def geo(kind, *countries):
    return {"GeoRestriction": {"RestrictionType": kind, "Quantity": len(countries), "Items": list(countries)}}


# ------------------------------------------------------------------------------------------------
# Geographic restriction
# ------------------------------------------------------------------------------------------------

def assert_geo_blocked(answer):
    assert answer.status_code == 403, answer.text
    assert answer.headers["X-Cache"] == "Error from cloudfront"
    assert answer.headers["Server"] == "CloudFront"
    assert GEO_TEXT in answer.text
    assert answer.headers["X-Amz-Cf-Id"] in answer.text


def test_an_allow_list_serves_its_countries_only(cf, edge_url, emulator, account):
    dist = create(cf, uncached_config(Restrictions=geo("whitelist", "FR", "DE")))
    assert get(edge_url, dist["DomainName"], "/a", **{"X-Cfl-Viewer-Country": "FR"}).status_code == 200
    assert get(edge_url, dist["DomainName"], "/a", **{"x-cfl-viewer-country": "DE"}).status_code == 200
    assert_geo_blocked(get(edge_url, dist["DomainName"], "/a", **{"X-Cfl-Viewer-Country": "US"}))
    # Without the test header the viewer is where the profile says: the United States by default.
    assert_geo_blocked(get(edge_url, dist["DomainName"], "/a"))
    # A viewer who cannot be located (not a country code) is served, as CloudFront serves them.
    assert get(edge_url, dist["DomainName"], "/a", **{"X-Cfl-Viewer-Country": "nowhere"}).status_code == 200
    # The access log says why.
    lines = emulator.call("GET", "/edge/logs", query={"distribution": dist["Id"], "limit": 5})["lines"]
    newest_blocked = [line.split("\t") for line in lines][1]
    assert (newest_blocked[8], newest_blocked[13], newest_blocked[28]) == ("403", "Error", "ClientGeoBlocked")


def test_a_deny_list_refuses_its_countries(cf, edge_url, origin):
    dist = create(cf, uncached_config(Restrictions=geo("blacklist", "FR")))
    before = len(origin.received)
    assert_geo_blocked(get(edge_url, dist["DomainName"], "/b", **{"X-Cfl-Viewer-Country": "FR"}))
    assert len(origin.received) == before  # refused before any origin
    assert get(edge_url, dist["DomainName"], "/b", **{"X-Cfl-Viewer-Country": "JP"}).status_code == 200
    assert get(edge_url, dist["DomainName"], "/b").status_code == 200


def test_a_custom_error_page_for_403_answers_a_blocked_viewer(cf, edge_url, origin, account):
    origin.routes[f"/sorry-{account}.html"] = (200, {"Content-Type": "text/html"}, b"not in your country")
    dist = create(cf, uncached_config(Restrictions=geo("whitelist", "FR"), CustomErrorResponses={
        "Quantity": 1, "Items": [{"ErrorCode": 403, "ResponsePagePath": f"/sorry-{account}.html",
                                  "ResponseCode": "200", "ErrorCachingMinTTL": 0}]}))
    answer = get(edge_url, dist["DomainName"], "/c", **{"X-Cfl-Viewer-Country": "US"})
    assert answer.status_code == 200
    assert answer.headers["X-Cache"] == "Error from cloudfront"
    assert answer.text == "not in your country"


def test_the_control_plane_sets_where_viewers_are(cf, edge_url, emulator):
    dist = create(cf, uncached_config(Restrictions=geo("whitelist", "BR")))
    assert_geo_blocked(get(edge_url, dist["DomainName"], "/d"))
    default = emulator.call("GET", "/edge/viewer")
    assert default["country"] == "US" and default["city"] == "Ashburn"
    try:
        assert emulator.call("PUT", "/edge/viewer", {"country": "BR", "city": "Sao Paulo"}) == {
            "country": "BR", "country_name": "Brazil", "city": "Sao Paulo"}
        assert get(edge_url, dist["DomainName"], "/d").status_code == 200
        # The test header still wins.
        assert_geo_blocked(get(edge_url, dist["DomainName"], "/d", **{"X-Cfl-Viewer-Country": "AR"}))
        for bad in ({"country": "brazil"}, {"planet": "Mars"}, {"city": 3}):
            with pytest.raises(Exception) as refused:
                emulator.call("PUT", "/edge/viewer", bad)
            assert refused.value.status == 400
        assert emulator.call("GET", "/edge/viewer")["country"] == "BR"  # a refused profile changes nothing
    finally:
        emulator.call("PUT", "/edge/viewer", default)
    assert_geo_blocked(get(edge_url, dist["DomainName"], "/d"))


# ------------------------------------------------------------------------------------------------
# CloudFront-Viewer-* headers
# ------------------------------------------------------------------------------------------------

def origin_request_policy(cf, *headers):
    return cf.create_origin_request_policy(OriginRequestPolicyConfig={
        "Name": f"viewer-{u.unique_ref()}"[:64],
        "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": {"Quantity": len(headers), "Items": list(headers)}},
        "CookiesConfig": {"CookieBehavior": "none"},
        "QueryStringsConfig": {"QueryStringBehavior": "none"}})["OriginRequestPolicy"]["Id"]


def test_the_viewer_headers_an_origin_request_policy_names_reach_the_origin(cf, edge_url):
    policy = origin_request_policy(cf, "CloudFront-Viewer-Country", "CloudFront-Viewer-Country-Name",
                                   "CloudFront-Viewer-City", "CloudFront-Viewer-Time-Zone",
                                   "CloudFront-Is-Mobile-Viewer", "CloudFront-Is-Desktop-Viewer",
                                   "CloudFront-Is-IOS-Viewer", "CloudFront-Viewer-Address",
                                   "CloudFront-Forwarded-Proto", "CloudFront-Viewer-Http-Version")
    dist = create(cf, uncached_config(origin_request_policy=policy))
    seen = origin_saw(get(edge_url, dist["DomainName"], "/h", **{
        "X-Cfl-Viewer-Country": "JP", "X-Cfl-Viewer-City": "Tokyo", "X-Cfl-Viewer-Time-Zone": "Asia/Tokyo",
        "CloudFront-Viewer-Country": "XX",  # a viewer's own is not trusted
        "User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"}))
    assert seen["CloudFront-Viewer-Country"] == "JP"
    assert seen["CloudFront-Viewer-Country-Name"] == "Japan"
    assert seen["CloudFront-Viewer-City"] == "Tokyo"
    assert seen["CloudFront-Viewer-Time-Zone"] == "Asia/Tokyo"
    assert seen["CloudFront-Is-Mobile-Viewer"] == "true"
    assert seen["CloudFront-Is-IOS-Viewer"] == "true"
    assert seen["CloudFront-Is-Desktop-Viewer"] == "false"
    assert seen["CloudFront-Viewer-Address"].startswith("127.0.0.1:")
    assert seen["CloudFront-Forwarded-Proto"] == "http"
    assert seen["CloudFront-Viewer-Http-Version"] == "1.1"
    assert not [name for name in seen if name.lower().startswith("x-cfl-viewer-")]
    # Not asked for: not sent.
    assert "CloudFront-Viewer-ASN" not in seen and "CloudFront-Viewer-Latitude" not in seen

    # Without test headers, the profile's location; a desktop browser.
    seen = origin_saw(get(edge_url, dist["DomainName"], "/h2", **{"User-Agent": "Mozilla/5.0 (X11; Linux x86_64)"}))
    assert (seen["CloudFront-Viewer-Country"], seen["CloudFront-Viewer-City"]) == ("US", "Ashburn")
    assert seen["CloudFront-Is-Desktop-Viewer"] == "true"


def test_all_viewer_forwards_no_cloudfront_headers_all_viewer_and_cloudfront_does(cf, edge_url):
    all_viewer = create(cf, uncached_config(origin_request_policy=ALL_VIEWER))
    seen = origin_saw(get(edge_url, all_viewer["DomainName"], "/v", **{"X-Cfl-Viewer-Country": "FR",
                                                                      "X-Custom": "kept"}))
    assert seen["X-Custom"] == "kept"
    assert not [name for name in seen if name.lower().startswith(("cloudfront-", "x-cfl-"))]
    both = create(cf, uncached_config(origin_request_policy=ALL_VIEWER_AND_CLOUDFRONT_HEADERS))
    seen = origin_saw(get(edge_url, both["DomainName"], "/v", **{"X-Cfl-Viewer-Country": "FR"}))
    assert seen["CloudFront-Viewer-Country"] == "FR"
    assert seen["CloudFront-Viewer-Country-Name"] == "France"
    assert seen["CloudFront-Is-Desktop-Viewer"] == "true"


def test_legacy_forwarded_values_name_viewer_headers(cf, edge_url):
    config = uncached_config()
    behavior = config["DefaultCacheBehavior"]
    del behavior["CachePolicyId"]
    behavior.update({"MinTTL": 0, "DefaultTTL": 0, "MaxTTL": 0, "ForwardedValues": {
        "QueryString": False, "Cookies": {"Forward": "none"},
        "Headers": {"Quantity": 1, "Items": ["CloudFront-Viewer-Country"]}}})
    dist = create(cf, config)
    seen = origin_saw(get(edge_url, dist["DomainName"], "/legacy", **{"X-Cfl-Viewer-Country": "SE"}))
    assert seen["CloudFront-Viewer-Country"] == "SE"
    assert "CloudFront-Viewer-City" not in seen


def test_a_cache_policy_keys_on_the_viewer_country(cf, edge_url, origin, account):
    policy = cf.create_cache_policy(CachePolicyConfig={
        "Name": f"by-country-{u.unique_ref()}"[:64], "MinTTL": 0, "DefaultTTL": 3600, "MaxTTL": 86400,
        "ParametersInCacheKeyAndForwardedToOrigin": {
            "EnableAcceptEncodingGzip": False,
            "HeadersConfig": {"HeaderBehavior": "whitelist",
                              "Headers": {"Quantity": 1, "Items": ["CloudFront-Viewer-Country"]}},
            "CookiesConfig": {"CookieBehavior": "none"},
            "QueryStringsConfig": {"QueryStringBehavior": "none"}}})["CachePolicy"]["Id"]
    config = edge_config(origins=[served_by("primary")])
    config["DefaultCacheBehavior"]["CachePolicyId"] = policy
    dist = create(cf, config)
    path = f"/by-country-{account}"
    france = get(edge_url, dist["DomainName"], path, **{"X-Cfl-Viewer-Country": "FR"})
    assert france.headers["X-Cache"] == "Miss from cloudfront"
    assert france.json()["headers"]["CloudFront-Viewer-Country"] == "FR"
    again = get(edge_url, dist["DomainName"], path, **{"X-Cfl-Viewer-Country": "FR"})
    assert again.headers["X-Cache"] == "Hit from cloudfront"
    germany = get(edge_url, dist["DomainName"], path, **{"X-Cfl-Viewer-Country": "DE"})
    assert germany.headers["X-Cache"] == "Miss from cloudfront"
    assert germany.json()["headers"]["CloudFront-Viewer-Country"] == "DE"
    assert [seen["headers"]["CloudFront-Viewer-Country"] for seen in origin.received
            if seen["path"] == path] == ["FR", "DE"]


# ------------------------------------------------------------------------------------------------
# Continuous deployment
# ------------------------------------------------------------------------------------------------

def weight_traffic(weight, sticky=False):
    single = {"Weight": weight}
    if sticky:
        single["SessionStickinessConfig"] = {"IdleTTL": 300, "MaximumTTL": 600}
    return {"Type": "SingleWeight", "SingleWeightConfig": single}


def header_traffic(header="aws-cf-cd-test", value="blue"):
    return {"Type": "SingleHeader", "SingleHeaderConfig": {"Header": header, "Value": value}}


def deploy_pair(cf, emulator, traffic, enabled=True):
    """A primary serving X-Served-By: primary, its CopyDistribution staging changed to serve
    X-Served-By: staging, and a policy between them; everything Deployed. Returns
    (primary, staging, policy id, policy ETag)."""
    primary = cf.create_distribution(DistributionConfig=uncached_config("primary"))
    copied = cf.copy_distribution(PrimaryDistributionId=primary["Distribution"]["Id"], Staging=True,
                                  IfMatch=primary["ETag"], CallerReference=u.unique_ref("staging"))
    staging = copied["Distribution"]
    staging_config = staging["DistributionConfig"]
    staging_config["Origins"]["Items"] = [served_by("staging")]
    cf.update_distribution(Id=staging["Id"], IfMatch=copied["ETag"], DistributionConfig=staging_config)
    policy = cf.create_continuous_deployment_policy(ContinuousDeploymentPolicyConfig={
        "StagingDistributionDnsNames": {"Quantity": 1, "Items": [staging["DomainName"]]},
        "Enabled": enabled, "TrafficConfig": traffic})
    current = cf.get_distribution_config(Id=primary["Distribution"]["Id"])
    cf.update_distribution(Id=primary["Distribution"]["Id"], IfMatch=current["ETag"], DistributionConfig=dict(
        current["DistributionConfig"], ContinuousDeploymentPolicyId=policy["ContinuousDeploymentPolicy"]["Id"]))
    emulator.settle(id=primary["Distribution"]["Id"])
    emulator.settle(id=staging["Id"])
    return primary["Distribution"], staging, policy["ContinuousDeploymentPolicy"]["Id"], policy["ETag"]


def who(answer):
    return origin_saw(answer)["X-Served-By"]


def test_the_policys_header_routes_to_the_staging_config(cf, edge_url, emulator):
    primary, staging, policy_id, etag = deploy_pair(cf, emulator, header_traffic())
    domain = primary["DomainName"]
    assert who(get(edge_url, domain, "/x")) == "primary"
    assert who(get(edge_url, domain, "/x", **{"aws-cf-cd-test": "blue"})) == "staging"
    assert who(get(edge_url, domain, "/x", **{"AWS-CF-CD-TEST": "blue"})) == "staging"
    assert who(get(edge_url, domain, "/x", **{"aws-cf-cd-test": "green"})) == "primary"
    # Viewers cannot reach a staging distribution by its own domain name.
    direct = get(edge_url, staging["DomainName"], "/x", **{"aws-cf-cd-test": "blue"})
    assert direct.status_code == 403 and direct.headers["X-Cache"] == "Error from cloudfront"
    # The staging distribution's requests are logged as its own.
    lines = emulator.call("GET", "/edge/logs", query={"distribution": staging["Id"], "limit": 5})["lines"]
    assert len(lines) == 2

    # A disabled policy sends everything to the primary.
    config = cf.get_continuous_deployment_policy_config(Id=policy_id)["ContinuousDeploymentPolicyConfig"]
    cf.update_continuous_deployment_policy(Id=policy_id, IfMatch=etag,
                                           ContinuousDeploymentPolicyConfig=dict(config, Enabled=False))
    emulator.settle(id=primary["Id"])
    assert who(get(edge_url, domain, "/x", **{"aws-cf-cd-test": "blue"})) == "primary"


def test_the_staging_config_serves_only_once_deployed(cf, edge_url, emulator):
    primary, staging, _, _ = deploy_pair(cf, emulator, header_traffic())
    current = cf.get_distribution_config(Id=staging["Id"])
    changed = current["DistributionConfig"]
    changed["Origins"]["Items"] = [served_by("staging-v2")]
    delay = emulator.config()["propagation_delay_seconds"]
    try:
        emulator.config(propagation_delay_seconds=600)
        cf.update_distribution(Id=staging["Id"], IfMatch=current["ETag"], DistributionConfig=changed)
        assert who(get(edge_url, primary["DomainName"], "/y", **{"aws-cf-cd-test": "blue"})) == "staging"
        emulator.advance_clock(601)
        assert who(get(edge_url, primary["DomainName"], "/y", **{"aws-cf-cd-test": "blue"})) == "staging-v2"
    finally:
        emulator.config(propagation_delay_seconds=delay)


def draws(edge_url, domain, count, **headers):
    return "".join("S" if who(get(edge_url, domain, f"/w{i}", **headers)) == "staging" else "P"
                   for i in range(count))


def test_a_weight_sends_its_share_the_same_under_the_same_seed(cf, edge_url, emulator):
    primary, _, _, _ = deploy_pair(cf, emulator, weight_traffic(0.15))
    assert emulator.call("PUT", "/edge/traffic", {"seed": 2024}) == {"seed": 2024}
    first = draws(edge_url, primary["DomainName"], 200)
    assert 10 <= first.count("S") <= 50, first  # 15 % of 200 is 30
    emulator.call("PUT", "/edge/traffic", {"seed": 2024})
    assert draws(edge_url, primary["DomainName"], 200) == first
    emulator.call("PUT", "/edge/traffic", {"seed": 7})
    assert draws(edge_url, primary["DomainName"], 200) != first
    assert emulator.call("GET", "/edge/traffic") == {"seed": 7}
    with pytest.raises(Exception) as refused:
        emulator.call("PUT", "/edge/traffic", {"seed": -1})
    assert refused.value.status == 400


def session_cookie(answer):
    """The name=value of the stickiness cookie an answer sets."""
    return answer.headers["Set-Cookie"].split(";")[0]


def test_a_sticky_session_keeps_its_distribution(cf, edge_url, emulator):
    primary, _, _, _ = deploy_pair(cf, emulator, weight_traffic(0.15, sticky=True))
    domain = primary["DomainName"]
    emulator.call("PUT", "/edge/traffic", {"seed": 11})
    # Fresh viewers (no cookie) until one is drawn to staging; each gets the cookie.
    for _ in range(200):
        answer = get(edge_url, domain, "/s")
        assert session_cookie(answer).startswith("aws-cf-cd-session=")
        if who(answer) == "staging":
            break
    assert who(answer) == "staging"
    assert session_cookie(answer).startswith("aws-cf-cd-session=staging.")
    assert "Max-Age=300" in answer.headers["Set-Cookie"]
    # The same viewer stays on staging, request after request (each answer renews the cookie).
    cookie = session_cookie(answer)
    for i in range(20):
        answer = get(edge_url, domain, f"/s{i}", Cookie=f"theme=dark; {cookie}")
        assert who(answer) == "staging"
        cookie = session_cookie(answer)
    # Idle for longer than IdleTTL on the emulator's clock: drawn again (mostly primary).
    emulator.advance_clock(301)
    redrawn = [who(get(edge_url, domain, "/t", Cookie=cookie)) for _ in range(20)]
    assert redrawn.count("primary") > 10
