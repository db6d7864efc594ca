"""Cache, origin request and response headers policies (boto3; raw HTTP for what botocore 1.29 lacks):
custom policies' lifecycle and errors, the AWS-managed policies in every account, how distributions
use policies (in use both ways, ListDistributionsBy…), and the ETag rotation of the distributions
that use a policy when it changes."""

import re
import uuid
import xml.etree.ElementTree as ET

import pytest

import e2e_util as u

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER = "216adef6-5c7f-47e4-b989-5492eafa07d3"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
SECURITY_HEADERS = "67f7725c-6f97-4210-82d7-5512b31e9d03"
SIMPLE_CORS = "60669652-455b-4ae9-85a4-c4c02393f86c"


def unique_name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def cache_policy_config(name=None, **overrides):
    config = {
        "Name": name or unique_name("cp"),
        "Comment": "e2e cache policy",
        "MinTTL": 1,
        "DefaultTTL": 3600,
        "MaxTTL": 86400,
        "ParametersInCacheKeyAndForwardedToOrigin": {
            "EnableAcceptEncodingGzip": True,
            "EnableAcceptEncodingBrotli": True,
            "HeadersConfig": {"HeaderBehavior": "whitelist",
                              "Headers": {"Quantity": 1, "Items": ["Authorization"]}},
            "CookiesConfig": {"CookieBehavior": "none"},
            "QueryStringsConfig": {"QueryStringBehavior": "all"},
        },
    }
    config.update(overrides)
    return config


def origin_request_policy_config(name=None, **overrides):
    config = {
        "Name": name or unique_name("orp"),
        "Comment": "e2e origin request policy",
        "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": {"Quantity": 1, "Items": ["Origin"]}},
        "CookiesConfig": {"CookieBehavior": "all"},
        "QueryStringsConfig": {"QueryStringBehavior": "none"},
    }
    config.update(overrides)
    return config


def response_headers_policy_config(name=None, **overrides):
    config = {
        "Name": name or unique_name("rhp"),
        "Comment": "e2e response headers policy",
        "SecurityHeadersConfig": {"ContentTypeOptions": {"Override": True},
                                  "FrameOptions": {"Override": True, "FrameOption": "DENY"}},
        "CustomHeadersConfig": {"Quantity": 1, "Items": [
            {"Header": "X-From", "Value": "cloudfront-local", "Override": False}]},
    }
    config.update(overrides)
    return config


# One row per family: (client method stem, config member, config factory, error-code stem, managed ids).
FAMILIES = {
    "cache": ("cache_policy", "CachePolicy", cache_policy_config, "CachePolicy",
              [u.CACHING_OPTIMIZED, CACHING_DISABLED]),
    "origin_request": ("origin_request_policy", "OriginRequestPolicy", origin_request_policy_config,
                       "OriginRequestPolicy", [ALL_VIEWER, ALL_VIEWER_EXCEPT_HOST]),
    "response_headers": ("response_headers_policy", "ResponseHeadersPolicy", response_headers_policy_config,
                         "ResponseHeadersPolicy", [SECURITY_HEADERS, SIMPLE_CORS]),
}
LIST_METHODS = {"cache": "list_cache_policies", "origin_request": "list_origin_request_policies",
                "response_headers": "list_response_headers_policies"}
BEHAVIOR_MEMBERS = {"cache": "CachePolicyId", "origin_request": "OriginRequestPolicyId",
                    "response_headers": "ResponseHeadersPolicyId"}
BY_POLICY = {"cache": ("list_distributions_by_cache_policy_id", "CachePolicyId"),
             "origin_request": ("list_distributions_by_origin_request_policy_id", "OriginRequestPolicyId"),
             "response_headers": ("list_distributions_by_response_headers_policy_id", "ResponseHeadersPolicyId")}


class Family:
    """Calls one policy family through boto3 by its method stem."""

    def __init__(self, cf, key):
        self.cf = cf
        self.key = key
        self.stem, self.member, self.make_config, self.error_stem, self.managed = FAMILIES[key]
        self.config_member = self.member + "Config"

    def call(self, verb, **kw):
        return getattr(self.cf, f"{verb}_{self.stem}")(**kw)

    def create(self, config=None):
        return self.call("create", **{self.config_member: config or self.make_config()})

    def get(self, policy_id):
        return self.call("get", Id=policy_id)

    def get_config(self, policy_id):
        return getattr(self.cf, f"get_{self.stem}_config")(Id=policy_id)

    def update(self, policy_id, if_match, config):
        kw = {"Id": policy_id, self.config_member: config}
        if if_match is not None:
            kw["IfMatch"] = if_match
        return self.call("update", **kw)

    def delete(self, policy_id, if_match):
        return self.call("delete", Id=policy_id, IfMatch=if_match)

    def list(self, **kw):
        return getattr(self.cf, LIST_METHODS[self.key])(**kw)[self.member + "List"]


@pytest.fixture(params=sorted(FAMILIES))
def family(request, cf):
    return Family(cf, request.param)


def with_policies(dist_config, **behavior_fields):
    config = dist_config()
    config["DefaultCacheBehavior"].update(behavior_fields)
    return config


# ------------------------------------------------------------------------------------------------
# Custom policies
# ------------------------------------------------------------------------------------------------

def test_policy_lifecycle(family):
    config = family.make_config()
    created = family.create(config)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    policy = created[family.member]
    assert UUID_RE.match(policy["Id"]), policy["Id"]
    assert u.ETAG_RE.match(created["ETag"])
    assert created["Location"] == f"https://cloudfront.amazonaws.com/2020-05-31/{family.stem.replace('_', '-')}/{policy['Id']}"
    u.assert_recent(policy["LastModifiedTime"])
    u.assert_subset(config, policy[family.config_member])
    assert "Status" not in policy

    got = family.get(policy["Id"])
    assert got["ETag"] == created["ETag"]
    assert got[family.member]["Id"] == policy["Id"]
    got_config = family.get_config(policy["Id"])
    assert got_config["ETag"] == created["ETag"]
    u.assert_subset(config, got_config[family.config_member])

    changed = dict(got_config[family.config_member], Comment="changed")
    with u.expect_error("InvalidIfMatchVersion", 400):
        family.update(policy["Id"], None, changed)
    with u.expect_error("PreconditionFailed", 412):
        family.update(policy["Id"], "ESTALEETAG1234", changed)
    updated = family.update(policy["Id"], created["ETag"], changed)
    assert updated["ETag"] != created["ETag"]
    assert updated[family.member][family.config_member]["Comment"] == "changed"
    assert family.get(policy["Id"])["ETag"] == updated["ETag"]

    listed = family.list(Type="custom")
    assert [(item["Type"], item[family.member]["Id"]) for item in listed["Items"]] == [("custom", policy["Id"])]
    assert listed["Items"][0][family.member][family.config_member]["Comment"] == "changed"

    with u.expect_error("PreconditionFailed", 412):
        family.delete(policy["Id"], created["ETag"])
    deleted = family.delete(policy["Id"], updated["ETag"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with u.expect_error(f"NoSuch{family.error_stem}", 404):
        family.get(policy["Id"])
    with u.expect_error(f"NoSuch{family.error_stem}", 404):
        family.get_config(policy["Id"])
    with u.expect_error(f"NoSuch{family.error_stem}", 404):
        family.update(policy["Id"], updated["ETag"], changed)
    with u.expect_error(f"NoSuch{family.error_stem}", 404):
        family.delete(policy["Id"], updated["ETag"])
    assert family.list(Type="custom").get("Items", []) == []


def test_policy_names_are_unique_per_account(family, make_client, new_account):
    name = unique_name("same")
    first = family.create(family.make_config(name))
    with u.expect_error(f"{family.error_stem}AlreadyExists", 409):
        family.create(family.make_config(name))
    # Renaming another policy onto a taken name fails too; renaming onto its own name does not.
    other = family.create()
    other_config = family.get_config(other[family.member]["Id"])[family.config_member]
    with u.expect_error(f"{family.error_stem}AlreadyExists", 409):
        family.update(other[family.member]["Id"], other["ETag"], dict(other_config, Name=name))
    family.update(first[family.member]["Id"], first["ETag"], family.make_config(name))
    # Another account has its own names.
    Family(make_client(new_account()), family.key).create(family.make_config(name))


def test_cache_policy_defaults_and_rules(cf):
    minimal = {"Name": unique_name("min"), "MinTTL": 0,
               "ParametersInCacheKeyAndForwardedToOrigin": {
                   "EnableAcceptEncodingGzip": False,
                   "HeadersConfig": {"HeaderBehavior": "none"},
                   "CookiesConfig": {"CookieBehavior": "none"},
                   "QueryStringsConfig": {"QueryStringBehavior": "none"}}}
    config = cf.create_cache_policy(CachePolicyConfig=minimal)["CachePolicy"]["CachePolicyConfig"]
    assert (config["DefaultTTL"], config["MaxTTL"]) == (86400, 31536000)

    with u.expect_error("InvalidArgument", 400):
        cf.create_cache_policy(CachePolicyConfig=cache_policy_config(MinTTL=100, DefaultTTL=10))
    with u.expect_error("InvalidArgument", 400):
        cf.create_cache_policy(CachePolicyConfig=cache_policy_config(name="not a valid name"))
    with u.expect_error("InvalidArgument", 400):
        cf.create_cache_policy(CachePolicyConfig=cache_policy_config(Comment="x" * 129))
    disabled = cache_policy_config(MinTTL=0, DefaultTTL=0, MaxTTL=0)
    with u.expect_error("InvalidArgument", 400):  # caching disabled, yet headers in the cache key
        cf.create_cache_policy(CachePolicyConfig=disabled)

    too_many = cache_policy_config()
    headers = [f"X-H{i}" for i in range(11)]
    too_many["ParametersInCacheKeyAndForwardedToOrigin"]["HeadersConfig"]["Headers"] = {
        "Quantity": 11, "Items": headers}
    with u.expect_error("TooManyHeadersInCachePolicy", 400):
        cf.create_cache_policy(CachePolicyConfig=too_many)
    too_many["ParametersInCacheKeyAndForwardedToOrigin"]["HeadersConfig"]["Headers"] = {
        "Quantity": 2, "Items": headers[:1]}
    with u.expect_error("InconsistentQuantities", 400):
        cf.create_cache_policy(CachePolicyConfig=too_many)
    cookies = cache_policy_config()
    cookies["ParametersInCacheKeyAndForwardedToOrigin"]["CookiesConfig"] = {
        "CookieBehavior": "whitelist", "Cookies": {"Quantity": 11, "Items": [f"c{i}" for i in range(11)]}}
    with u.expect_error("TooManyCookiesInCachePolicy", 400):
        cf.create_cache_policy(CachePolicyConfig=cookies)
    query = cache_policy_config()
    query["ParametersInCacheKeyAndForwardedToOrigin"]["QueryStringsConfig"] = {"QueryStringBehavior": "whitelist"}
    with u.expect_error("InvalidArgument", 400):  # a whitelist needs names
        cf.create_cache_policy(CachePolicyConfig=query)


def test_cache_policies_per_account_limit(cf):
    for i in range(20):
        cf.create_cache_policy(CachePolicyConfig=cache_policy_config(f"limit-{i}"))
    with u.expect_error("TooManyCachePolicies", 400):
        cf.create_cache_policy(CachePolicyConfig=cache_policy_config("limit-20"))


def test_origin_request_policy_rules(cf):
    allexcept = origin_request_policy_config(
        HeadersConfig={"HeaderBehavior": "allExcept", "Headers": {"Quantity": 1, "Items": ["Host"]}})
    created = cf.create_origin_request_policy(OriginRequestPolicyConfig=allexcept)
    assert created["OriginRequestPolicy"]["OriginRequestPolicyConfig"]["HeadersConfig"]["HeaderBehavior"] == "allExcept"
    with u.expect_error("TooManyCookiesInOriginRequestPolicy", 400):
        cf.create_origin_request_policy(OriginRequestPolicyConfig=origin_request_policy_config(
            CookiesConfig={"CookieBehavior": "whitelist",
                           "Cookies": {"Quantity": 11, "Items": [f"c{i}" for i in range(11)]}}))
    with u.expect_error("TooManyQueryStringsInOriginRequestPolicy", 400):
        cf.create_origin_request_policy(OriginRequestPolicyConfig=origin_request_policy_config(
            QueryStringsConfig={"QueryStringBehavior": "whitelist",
                                "QueryStrings": {"Quantity": 11, "Items": [f"q{i}" for i in range(11)]}}))
    with u.expect_error("InvalidArgument", 400):  # allViewer takes no header names
        cf.create_origin_request_policy(OriginRequestPolicyConfig=origin_request_policy_config(
            HeadersConfig={"HeaderBehavior": "allViewer", "Headers": {"Quantity": 1, "Items": ["Origin"]}}))


def test_response_headers_policy_rules(cf, raw):
    with u.expect_error("TooManyCustomHeadersInResponseHeadersPolicy", 400):
        cf.create_response_headers_policy(ResponseHeadersPolicyConfig=response_headers_policy_config(
            CustomHeadersConfig={"Quantity": 11, "Items": [
                {"Header": f"X-{i}", "Value": "v", "Override": False} for i in range(11)]}))
    with u.expect_error("TooLongCSPInResponseHeadersPolicy", 400):
        cf.create_response_headers_policy(ResponseHeadersPolicyConfig=response_headers_policy_config(
            SecurityHeadersConfig={"ContentSecurityPolicy": {"Override": True,
                                                             "ContentSecurityPolicy": "default-src " + "a" * 1800}}))
    # RemoveHeadersConfig is newer than Debian's botocore: raw XML.
    removes = "".join(f"<ResponseHeadersPolicyRemoveHeader><Header>X-R{i}</Header>"
                      "</ResponseHeadersPolicyRemoveHeader>" for i in range(11))
    body = (f'<ResponseHeadersPolicyConfig xmlns="{u.NS}"><Name>{unique_name("raw")}</Name>'
            f"<RemoveHeadersConfig><Quantity>11</Quantity><Items>{removes}</Items></RemoveHeadersConfig>"
            "</ResponseHeadersPolicyConfig>")
    u.assert_raw_error(raw.post("/2020-05-31/response-headers-policy", body), 400,
                       "TooManyRemoveHeadersInResponseHeadersPolicy")
    ok = body.replace("<Quantity>11</Quantity>", "<Quantity>1</Quantity>").replace(
        removes, "<ResponseHeadersPolicyRemoveHeader><Header>Server</Header></ResponseHeadersPolicyRemoveHeader>")
    resp = raw.post("/2020-05-31/response-headers-policy", ok)
    assert resp.status_code == 201, resp.text
    root = ET.fromstring(resp.content)
    header = root.find(f".//{{{u.NS}}}RemoveHeadersConfig//{{{u.NS}}}Header")
    assert header is not None and header.text == "Server", resp.text
    assert resp.headers["ETag"] and resp.headers["Location"].endswith(root.find(f"{{{u.NS}}}Id").text)


# ------------------------------------------------------------------------------------------------
# Managed policies
# ------------------------------------------------------------------------------------------------

def test_managed_policies_exist_in_every_account(family, make_client, new_account):
    accounts = [family.cf, make_client(new_account()), make_client(u.DEFAULT_ACCOUNT)]
    for policy_id in family.managed:
        seen = []
        for client in accounts:
            other = Family(client, family.key)
            got = other.get(policy_id)
            config = other.get_config(policy_id)
            assert got[family.member]["Id"] == policy_id
            assert got[family.member][family.config_member] == config[family.config_member]
            assert got["ETag"] == config["ETag"]
            seen.append((got["ETag"], got[family.member]["LastModifiedTime"], config[family.config_member]))
        assert all(s == seen[0] for s in seen), "a managed policy is the same in every account"
        assert seen[0][2]["Name"].startswith("Managed-")


def test_managed_policy_contents(cf):
    optimized = cf.get_cache_policy(Id=u.CACHING_OPTIMIZED)["CachePolicy"]["CachePolicyConfig"]
    assert optimized["Name"] == "Managed-CachingOptimized"
    assert (optimized["MinTTL"], optimized["DefaultTTL"], optimized["MaxTTL"]) == (1, 86400, 31536000)
    params = optimized["ParametersInCacheKeyAndForwardedToOrigin"]
    assert params["EnableAcceptEncodingGzip"] is True and params["EnableAcceptEncodingBrotli"] is True
    disabled = cf.get_cache_policy_config(Id=CACHING_DISABLED)["CachePolicyConfig"]
    assert (disabled["Name"], disabled["MaxTTL"]) == ("Managed-CachingDisabled", 0)
    all_viewer = cf.get_origin_request_policy_config(Id=ALL_VIEWER)["OriginRequestPolicyConfig"]
    assert all_viewer["Name"] == "Managed-AllViewer"
    assert all_viewer["HeadersConfig"]["HeaderBehavior"] == "allViewer"
    security = cf.get_response_headers_policy_config(Id=SECURITY_HEADERS)["ResponseHeadersPolicyConfig"]
    assert security["Name"] == "Managed-SecurityHeadersPolicy"
    assert security["SecurityHeadersConfig"]["FrameOptions"]["FrameOption"] == "SAMEORIGIN"
    assert security["SecurityHeadersConfig"]["ContentTypeOptions"]["Override"] is True


def test_managed_policies_are_read_only(family):
    policy_id = family.managed[0]
    got = family.get(policy_id)
    config = got[family.member][family.config_member]
    with u.expect_error("IllegalUpdate", 400):
        family.update(policy_id, got["ETag"], config)
    with u.expect_error("IllegalDelete", 400):
        family.delete(policy_id, got["ETag"])
    assert family.get(policy_id)["ETag"] == got["ETag"]


def test_list_managed_then_custom_and_by_type(family):
    custom = [family.create()[family.member]["Id"] for _ in range(2)]
    managed = family.list(Type="managed")
    managed_ids = [item[family.member]["Id"] for item in managed["Items"]]
    assert set(family.managed) <= set(managed_ids)
    assert {item["Type"] for item in managed["Items"]} == {"managed"}
    assert managed["Quantity"] == len(managed_ids) and "NextMarker" not in managed

    everything = family.list()
    assert [item[family.member]["Id"] for item in everything["Items"]] == managed_ids + custom
    assert [item["Type"] for item in everything["Items"]] == ["managed"] * len(managed_ids) + ["custom"] * 2

    # Pages of 3 cross from the managed policies into the custom ones.
    paged, marker = [], None
    for _ in range(20):
        page = family.list(MaxItems="3", **({"Marker": marker} if marker else {}))
        assert page["MaxItems"] == 3 and page["Quantity"] <= 3
        paged += [item[family.member]["Id"] for item in page.get("Items", [])]
        marker = page.get("NextMarker")
        if not marker:
            break
    assert paged == managed_ids + custom

    assert [item[family.member]["Id"] for item in family.list(Type="custom")["Items"]] == custom


def test_list_rejects_an_unknown_type(raw):
    # Type is a model enum: a constraint violation, answered as CloudFront answers those.
    for path in ("cache-policy", "origin-request-policy", "response-headers-policy"):
        err = u.assert_raw_error(raw.get(f"/2020-05-31/{path}?Type=aws"), 400, "MalformedXML")
        assert err["message"] == "1 validation error detected: Value 'aws' at 'type' failed to satisfy " \
                                 "constraint: Member must satisfy enum value set: [managed, custom]"


# ------------------------------------------------------------------------------------------------
# Distributions and policies
# ------------------------------------------------------------------------------------------------

def test_distribution_must_name_existing_policies(cf, dist_config, make_client, new_account):
    missing = str(uuid.uuid4())
    for member, code in (("CachePolicyId", "NoSuchCachePolicy"),
                         ("OriginRequestPolicyId", "NoSuchOriginRequestPolicy"),
                         ("ResponseHeadersPolicyId", "NoSuchResponseHeadersPolicy")):
        with u.expect_error(code, 404):
            cf.create_distribution(DistributionConfig=with_policies(dist_config, **{member: missing}))

    # A custom policy of another account does not exist here.
    elsewhere = make_client(new_account()).create_cache_policy(CachePolicyConfig=cache_policy_config())
    with u.expect_error("NoSuchCachePolicy", 404):
        cf.create_distribution(DistributionConfig=with_policies(
            dist_config, CachePolicyId=elsewhere["CachePolicy"]["Id"]))

    # Managed policies of every kind are accepted, in ordered cache behaviors too.
    config = with_policies(dist_config, OriginRequestPolicyId=ALL_VIEWER, ResponseHeadersPolicyId=SECURITY_HEADERS)
    config["CacheBehaviors"] = {"Quantity": 1, "Items": [{
        "PathPattern": "/api/*", "TargetOriginId": config["Origins"]["Items"][0]["Id"],
        "ViewerProtocolPolicy": "https-only", "CachePolicyId": CACHING_DISABLED,
        "OriginRequestPolicyId": missing}]}
    with u.expect_error("NoSuchOriginRequestPolicy", 404):
        cf.create_distribution(DistributionConfig=config)
    config["CacheBehaviors"]["Items"][0]["OriginRequestPolicyId"] = ALL_VIEWER_EXCEPT_HOST
    dist = cf.create_distribution(DistributionConfig=config)
    dist_id, etag = dist["Distribution"]["Id"], dist["ETag"]

    # An update naming a missing policy fails and changes nothing.
    bad = cf.get_distribution_config(Id=dist_id)["DistributionConfig"]
    bad["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] = missing
    with u.expect_error("NoSuchResponseHeadersPolicy", 404):
        cf.update_distribution(Id=dist_id, IfMatch=etag, DistributionConfig=bad)
    assert cf.get_distribution(Id=dist_id)["ETag"] == etag


def test_policy_in_use_cannot_be_deleted(cf, dist_config):
    cache = cf.create_cache_policy(CachePolicyConfig=cache_policy_config())
    origin = cf.create_origin_request_policy(OriginRequestPolicyConfig=origin_request_policy_config())
    headers = cf.create_response_headers_policy(ResponseHeadersPolicyConfig=response_headers_policy_config())
    ids = {"cache": cache["CachePolicy"]["Id"], "origin_request": origin["OriginRequestPolicy"]["Id"],
           "response_headers": headers["ResponseHeadersPolicy"]["Id"]}
    etags = {"cache": cache["ETag"], "origin_request": origin["ETag"], "response_headers": headers["ETag"]}

    config = with_policies(dist_config, CachePolicyId=ids["cache"])
    config["CacheBehaviors"] = {"Quantity": 1, "Items": [{
        "PathPattern": "/img/*", "TargetOriginId": config["Origins"]["Items"][0]["Id"],
        "ViewerProtocolPolicy": "allow-all", "CachePolicyId": u.CACHING_OPTIMIZED,
        "OriginRequestPolicyId": ids["origin_request"], "ResponseHeadersPolicyId": ids["response_headers"]}]}
    dist = cf.create_distribution(DistributionConfig=config)
    dist_id = dist["Distribution"]["Id"]

    for key in FAMILIES:
        family = Family(cf, key)
        with u.expect_error(f"{family.error_stem}InUse", 409):
            family.delete(ids[key], etags[key])
        method, member = BY_POLICY[key]
        listed = getattr(cf, method)(**{member: ids[key]})["DistributionIdList"]
        assert listed["Items"] == [dist_id] and listed["Quantity"] == 1 and listed["IsTruncated"] is False

    # Once the distribution stops using them, they can go.
    plain = cf.get_distribution_config(Id=dist_id)
    new_config = plain["DistributionConfig"]
    new_config["DefaultCacheBehavior"]["CachePolicyId"] = u.CACHING_OPTIMIZED
    new_config["CacheBehaviors"] = {"Quantity": 0}
    cf.update_distribution(Id=dist_id, IfMatch=plain["ETag"], DistributionConfig=new_config)
    for key in FAMILIES:
        method, member = BY_POLICY[key]
        assert getattr(cf, method)(**{member: ids[key]})["DistributionIdList"]["Quantity"] == 0
        Family(cf, key).delete(ids[key], etags[key])


def test_list_distributions_by_policy_pages_and_errors(cf, dist_config, make_client, new_account):
    ids = [cf.create_distribution(DistributionConfig=with_policies(
        dist_config, ResponseHeadersPolicyId=SIMPLE_CORS))["Distribution"]["Id"] for _ in range(3)]
    cf.create_distribution(DistributionConfig=dist_config())  # uses no response headers policy

    first = cf.list_distributions_by_response_headers_policy_id(
        ResponseHeadersPolicyId=SIMPLE_CORS, MaxItems="2")["DistributionIdList"]
    assert first["Items"] == ids[:2] and first["IsTruncated"] is True and first["NextMarker"] == ids[1]
    assert first["MaxItems"] == 2 and first["Quantity"] == 2
    second = cf.list_distributions_by_response_headers_policy_id(
        ResponseHeadersPolicyId=SIMPLE_CORS, MaxItems="2", Marker=first["NextMarker"])["DistributionIdList"]
    assert second["Items"] == ids[2:] and second["IsTruncated"] is False and "NextMarker" not in second
    assert second["Marker"] == ids[1]

    # Managed policies are shared, distributions are not: another account sees none of these.
    other = make_client(new_account())
    assert other.list_distributions_by_response_headers_policy_id(
        ResponseHeadersPolicyId=SIMPLE_CORS)["DistributionIdList"]["Quantity"] == 0
    # Every distribution of dist_config uses CachingOptimized.
    by_cache = cf.list_distributions_by_cache_policy_id(CachePolicyId=u.CACHING_OPTIMIZED)["DistributionIdList"]
    assert by_cache["Quantity"] == 4

    missing = str(uuid.uuid4())
    with u.expect_error("NoSuchCachePolicy", 404):
        cf.list_distributions_by_cache_policy_id(CachePolicyId=missing)
    with u.expect_error("NoSuchOriginRequestPolicy", 404):
        cf.list_distributions_by_origin_request_policy_id(OriginRequestPolicyId=missing)
    with u.expect_error("NoSuchResponseHeadersPolicy", 404):
        cf.list_distributions_by_response_headers_policy_id(ResponseHeadersPolicyId=missing)
    with u.expect_error("InvalidArgument", 400):
        cf.list_distributions_by_cache_policy_id(CachePolicyId=u.CACHING_OPTIMIZED, MaxItems="-1")


def test_updating_a_policy_renews_the_distributions_that_use_it(cf, dist_config):
    created = cf.create_cache_policy(CachePolicyConfig=cache_policy_config())
    policy_id = created["CachePolicy"]["Id"]
    user = cf.create_distribution(DistributionConfig=with_policies(dist_config, CachePolicyId=policy_id))
    bystander = cf.create_distribution(DistributionConfig=dist_config())
    user_id, bystander_id = user["Distribution"]["Id"], bystander["Distribution"]["Id"]
    u.wait_deployed(cf, user_id)
    u.wait_deployed(cf, bystander_id)
    before = cf.get_distribution(Id=user_id)
    bystander_etag = cf.get_distribution(Id=bystander_id)["ETag"]
    assert before["Distribution"]["Status"] == "Deployed"

    config = cf.get_cache_policy_config(Id=policy_id)
    cf.update_cache_policy(Id=policy_id, IfMatch=config["ETag"],
                           CachePolicyConfig=dict(config["CachePolicyConfig"], DefaultTTL=60))

    after = cf.get_distribution(Id=user_id)
    assert after["ETag"] != before["ETag"]
    assert after["Distribution"]["Status"] == "InProgress"
    assert after["Distribution"]["LastModifiedTime"] > before["Distribution"]["LastModifiedTime"]
    assert after["Distribution"]["DistributionConfig"] == before["Distribution"]["DistributionConfig"]
    assert cf.get_distribution_config(Id=user_id)["ETag"] == after["ETag"]
    assert cf.get_distribution(Id=bystander_id)["ETag"] == bystander_etag
    # The old version is gone: an update with it is stale.
    with u.expect_error("PreconditionFailed", 412):
        cf.update_distribution(Id=user_id, IfMatch=before["ETag"],
                               DistributionConfig=before["Distribution"]["DistributionConfig"])
    u.wait_deployed(cf, user_id)
    assert cf.get_distribution(Id=user_id)["ETag"] == after["ETag"]
