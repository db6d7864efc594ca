"""A DistributionConfig is checked as CloudFront checks it (boto3): every check answers its own error
code on CreateDistribution and on UpdateDistribution, and a refused request changes nothing (no
distribution is created; the updated one keeps its ETag and config)."""

import copy

import pytest

import e2e_util as u

ACM_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
ACM_CERTIFICATE = {"ACMCertificateArn": ACM_ARN, "SSLSupportMethod": "sni-only",
                   "MinimumProtocolVersion": "TLSv1.2_2021"}
LATEST_LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:edge:$LATEST"


def items(values):
    return {"Quantity": len(values), "Items": values}


def custom_origin(origin_id="api", **custom):
    return {"Id": origin_id, "DomainName": "api.example.com",
            "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only",
                                   **custom}}


def legacy_behavior(cfg, **forwarded):
    """The default cache behavior with legacy ForwardedValues instead of a cache policy."""
    dcb = cfg["DefaultCacheBehavior"]
    dcb.pop("CachePolicyId")
    dcb["ForwardedValues"] = {"QueryString": False, "Cookies": {"Forward": "none"}, **forwarded}
    dcb["MinTTL"] = 0
    return dcb


def on_custom_origin(cfg, **custom):
    cfg["Origins"] = items([custom_origin(**custom)])
    cfg["DefaultCacheBehavior"]["TargetOriginId"] = "api"


def error_pages(cfg, *responses):
    cfg["CustomErrorResponses"] = items(list(responses))


def geo(cfg, kind, locations):
    cfg["Restrictions"] = {"GeoRestriction": {"RestrictionType": kind, **items(locations)}}


def behavior(path, **extra):
    return {"PathPattern": path, "TargetOriginId": "my-bucket-origin", "ViewerProtocolPolicy": "allow-all",
            "CachePolicyId": u.CACHING_OPTIMIZED, **extra}


def ttl_order(cfg):
    dcb = legacy_behavior(cfg)
    dcb.update(MinTTL=100, DefaultTTL=50, MaxTTL=1000)


def default_ttl_above_max(cfg):
    dcb = legacy_behavior(cfg)
    dcb.update(MinTTL=0, DefaultTTL=5000, MaxTTL=1000)


# (id, mutation of a valid config, code, status)
CASES = [
    ("ttl-order", ttl_order, "InvalidTTLOrder", 400),
    ("default-ttl-above-max", default_ttl_above_max, "InvalidTTLOrder", 400),
    ("root-object-slash", lambda c: c.update(DefaultRootObject="/index.html"), "InvalidDefaultRootObject", 400),
    ("root-object-space", lambda c: c.update(DefaultRootObject="my index.html"), "InvalidDefaultRootObject", 400),
    ("root-object-too-long", lambda c: c.update(DefaultRootObject="a" * 256), "InvalidDefaultRootObject", 400),
    ("error-page-relative", lambda c: error_pages(c, {"ErrorCode": 404, "ResponsePagePath": "errors/404.html",
                                                     "ResponseCode": "404"}), "InvalidRelativePath", 400),
    ("error-code", lambda c: error_pages(c, {"ErrorCode": 418}), "InvalidErrorCode", 400),
    ("response-code", lambda c: error_pages(c, {"ErrorCode": 404, "ResponsePagePath": "/404.html",
                                               "ResponseCode": "201"}), "InvalidResponseCode", 400),
    ("error-page-without-code", lambda c: error_pages(c, {"ErrorCode": 404, "ResponsePagePath": "/404.html"}),
     "InvalidArgument", 400),
    ("cookies-whitelist-without-names",
     lambda c: legacy_behavior(c).update(ForwardedValues={"QueryString": False, "Cookies": {"Forward": "whitelist"}}),
     "InvalidForwardCookies", 400),
    ("cookie-names-without-whitelist",
     lambda c: legacy_behavior(c).update(ForwardedValues={
         "QueryString": False, "Cookies": {"Forward": "all", "WhitelistedNames": items(["session"])}}),
     "InvalidForwardCookies", 400),
    ("too-many-cookie-names",
     lambda c: legacy_behavior(c).update(ForwardedValues={
         "QueryString": False,
         "Cookies": {"Forward": "whitelist", "WhitelistedNames": items([f"c{i}" for i in range(11)])}}),
     "TooManyCookieNamesInWhiteList", 400),
    ("headers-for-s3", lambda c: legacy_behavior(c, Headers=items(["Authorization"])), "InvalidHeadersForS3Origin", 400),
    ("too-many-headers", lambda c: (on_custom_origin(c), legacy_behavior(c, Headers=items([f"X-H{i}" for i in range(11)]))),
     "TooManyHeadersInForwardedValues", 400),
    ("too-many-query-keys",
     lambda c: legacy_behavior(c).update(ForwardedValues={
         "QueryString": True, "Cookies": {"Forward": "none"}, "QueryStringCacheKeys": items([f"q{i}" for i in range(11)])}),
     "TooManyQueryStringParameters", 400),
    ("query-keys-without-query-string", lambda c: legacy_behavior(c, QueryStringCacheKeys=items(["page"])),
     "InvalidQueryStringParameters", 400),
    ("unknown-country", lambda c: geo(c, "whitelist", ["XX"]), "InvalidLocationCode", 400),
    ("lowercase-country", lambda c: geo(c, "blacklist", ["us"]), "InvalidLocationCode", 400),
    ("whitelist-without-countries", lambda c: geo(c, "whitelist", []), "InvalidGeoRestrictionParameter", 400),
    ("none-with-countries", lambda c: geo(c, "none", ["US"]), "InvalidGeoRestrictionParameter", 400),
    ("read-timeout-high", lambda c: on_custom_origin(c, OriginReadTimeout=121), "InvalidOriginReadTimeout", 400),
    ("read-timeout-zero", lambda c: on_custom_origin(c, OriginReadTimeout=0), "InvalidOriginReadTimeout", 400),
    ("keepalive-high", lambda c: on_custom_origin(c, OriginKeepaliveTimeout=121), "InvalidOriginKeepaliveTimeout", 400),
    ("too-many-behaviors", lambda c: c.update(CacheBehaviors=items([behavior(f"/p{i}/*") for i in range(76)])),
     "TooManyCacheBehaviors", 400),
    ("too-many-origins", lambda c: c["Origins"].update(items(
        c["Origins"]["Items"] + [custom_origin(f"o{i}") for i in range(100)])), "TooManyOrigins", 400),
    ("too-many-cnames", lambda c: c.update(Aliases=items([f"w{i}.example.com" for i in range(101)]),
                                           ViewerCertificate=ACM_CERTIFICATE), "TooManyDistributionCNAMEs", 400),
    ("cname-with-default-certificate", lambda c: c.update(Aliases=items(["www.example.com"])),
     "InvalidViewerCertificate", 400),
    ("certificate-outside-us-east-1", lambda c: c.update(ViewerCertificate={
        **ACM_CERTIFICATE, "ACMCertificateArn": ACM_ARN.replace("us-east-1", "eu-west-1")}), "InvalidViewerCertificate", 400),
    ("two-certificates", lambda c: c.update(ViewerCertificate={**ACM_CERTIFICATE, "CloudFrontDefaultCertificate": True}),
     "InvalidViewerCertificate", 400),
    ("vip-with-tls12", lambda c: c.update(ViewerCertificate={**ACM_CERTIFICATE, "SSLSupportMethod": "vip"}),
     "InvalidMinimumProtocolVersion", 400),
    ("sni-with-sslv3", lambda c: c.update(ViewerCertificate={**ACM_CERTIFICATE, "MinimumProtocolVersion": "SSLv3"}),
     "InvalidProtocolSettings", 400),
    ("unknown-origin-access-control", lambda c: c["Origins"]["Items"][0].update(
        OriginAccessControlId="E0000000000000"), "InvalidOriginAccessControl", 400),
    ("unknown-target-origin", lambda c: c["DefaultCacheBehavior"].update(TargetOriginId="nowhere"), "NoSuchOrigin", 404),
    ("origin-group-member-unknown", lambda c: c.update(OriginGroups=items([{
        "Id": "group", "FailoverCriteria": {"StatusCodes": items([500])},
        "Members": items([{"OriginId": "my-bucket-origin"}, {"OriginId": "nowhere"}])}])), "NoSuchOrigin", 404),
    ("too-many-origin-groups", lambda c: (c["Origins"].update(items(c["Origins"]["Items"] + [custom_origin()])),
                                          c.update(OriginGroups=items([{
                                              "Id": f"g{i}", "FailoverCriteria": {"StatusCodes": items([500])},
                                              "Members": items([{"OriginId": "my-bucket-origin"}, {"OriginId": "api"}])}
                                              for i in range(11)]))), "TooManyOriginGroupsPerDistribution", 400),
    ("too-many-custom-headers", lambda c: c["Origins"]["Items"][0].update(CustomHeaders=items([
        {"HeaderName": f"X-Custom-{i}", "HeaderValue": "v"} for i in range(11)])), "TooManyOriginCustomHeaders", 400),
    ("reserved-custom-header", lambda c: c["Origins"]["Items"][0].update(CustomHeaders=items([
        {"HeaderName": "Host", "HeaderValue": "example.com"}])), "InvalidArgument", 400),
    ("lambda-latest", lambda c: c["DefaultCacheBehavior"].update(LambdaFunctionAssociations=items([
        {"LambdaFunctionARN": LATEST_LAMBDA, "EventType": "viewer-request"}])), "InvalidLambdaFunctionAssociation", 400),
    ("function-on-origin-event", lambda c: c["DefaultCacheBehavior"].update(FunctionAssociations=items([
        {"FunctionARN": "arn:aws:cloudfront::123456789012:function/rewrite", "EventType": "origin-request"}])),
     "MalformedXML", 400),  # "Member must satisfy value set: [viewer-request, viewer-response]", as CloudFront
    ("too-many-lambda-associations", lambda c: c["DefaultCacheBehavior"].update(LambdaFunctionAssociations=items([
        {"LambdaFunctionARN": f"arn:aws:lambda:us-east-1:123456789012:function:edge:{i + 1}", "EventType": event}
        for i, event in enumerate(["viewer-request", "viewer-response", "origin-request", "origin-response",
                                   "viewer-request"])])), "TooManyLambdaFunctionAssociations", 400),
    ("too-many-function-associations", lambda c: c["DefaultCacheBehavior"].update(FunctionAssociations=items([
        {"FunctionARN": f"arn:aws:cloudfront::123456789012:function/f{i}", "EventType": event}
        for i, event in enumerate(["viewer-request", "viewer-response", "viewer-request"])])),
     "TooManyFunctionAssociations", 400),
    ("too-many-trusted-signers", lambda c: c["DefaultCacheBehavior"].update(TrustedSigners={
        "Enabled": True, **items([f"{i:012d}" for i in range(6)])}), "TooManyTrustedSigners", 400),
    ("trusted-signer-not-an-account", lambda c: c["DefaultCacheBehavior"].update(TrustedSigners={
        "Enabled": True, **items(["someone"])}), "TrustedSignerDoesNotExist", 400),
    ("web-acl", lambda c: c.update(WebACLId="not-a-web-acl"), "InvalidWebACLId", 400),
    ("field-level-encryption-over-http", lambda c: c["DefaultCacheBehavior"].update(
        FieldLevelEncryptionId="ABCDEFGHIJKLM", ViewerProtocolPolicy="allow-all"),
     "IllegalFieldLevelEncryptionConfigAssociationWithCacheBehavior", 400),
    ("staging-with-cname", lambda c: c.update(Staging=True, Aliases=items(["www.example.com"]),
                                              ViewerCertificate=ACM_CERTIFICATE), "InvalidArgument", 400),
    ("two-origin-kinds", lambda c: c["Origins"]["Items"][0].update(
        CustomOriginConfig={"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"}),
     "InvalidArgument", 400),
    ("allowed-methods", lambda c: c["DefaultCacheBehavior"].update(AllowedMethods=items(["GET", "POST"])),
     "InvalidArgument", 400),
    ("duplicate-path-pattern", lambda c: c.update(CacheBehaviors=items([behavior("/a/*"), behavior("/a/*")])),
     "InvalidArgument", 400),
    ("origin-path-without-slash", lambda c: c["Origins"]["Items"][0].update(OriginPath="static"), "InvalidArgument", 400),
    ("cname-characters", lambda c: c.update(Aliases=items(["www.exa mple.com"]), ViewerCertificate=ACM_CERTIFICATE),
     "InvalidArgument", 400),
]


def mutated(mutation, **overrides):
    cfg = u.dist_config(**overrides)
    mutation(cfg)
    return cfg


@pytest.mark.parametrize("name,mutation,code,status", CASES, ids=[c[0] for c in CASES])
def test_each_check_refuses_create_and_update_and_changes_nothing(cf, name, mutation, code, status):
    with u.expect_error(code, status):
        cf.create_distribution(DistributionConfig=mutated(mutation))
    assert cf.list_distributions()["DistributionList"]["Quantity"] == 0

    created = cf.create_distribution(DistributionConfig=u.dist_config())
    dist_id, etag = created["Distribution"]["Id"], created["ETag"]
    before = cf.get_distribution_config(Id=dist_id)
    reference = before["DistributionConfig"]["CallerReference"]
    with u.expect_error(code, status):
        cf.update_distribution(Id=dist_id, IfMatch=etag,
                               DistributionConfig=mutated(mutation, caller_reference=reference))
    after = cf.get_distribution_config(Id=dist_id)
    assert after["ETag"] == etag
    assert after["DistributionConfig"] == before["DistributionConfig"]
    assert cf.list_distributions()["DistributionList"]["Quantity"] == 1


def test_the_same_settings_within_the_limits_are_taken(cf):
    cfg = u.dist_config(
        DefaultRootObject="index.html",
        Aliases=items(["www.example.com", "*.static.example.com"]),
        ViewerCertificate=ACM_CERTIFICATE,
        CustomErrorResponses=items([{"ErrorCode": 404, "ResponsePagePath": "/404.html", "ResponseCode": "200",
                                     "ErrorCachingMinTTL": 30}, {"ErrorCode": 503}]),
        Restrictions={"GeoRestriction": {"RestrictionType": "whitelist", **items(["US", "CA", "GB"])}},
        WebACLId="arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/473e64fd-f30b-4765-81a0-62ad96dd167a",
        CacheBehaviors=items([behavior(f"/p{i}/*") for i in range(75)]),
    )
    cfg["Origins"]["Items"].append(custom_origin(OriginReadTimeout=120, OriginKeepaliveTimeout=120))
    cfg["Origins"]["Quantity"] = 2
    cfg["Origins"]["Items"][0]["CustomHeaders"] = items([{"HeaderName": f"X-Custom-{i}", "HeaderValue": "v"}
                                                         for i in range(10)])
    dcb = legacy_behavior(cfg, Headers=items(["Origin"]))
    dcb.update(MinTTL=10, DefaultTTL=10, MaxTTL=10)
    dcb["LambdaFunctionAssociations"] = items([{
        "LambdaFunctionARN": "arn:aws:lambda:us-east-1:123456789012:function:edge:7", "EventType": "origin-request",
        "IncludeBody": True}])
    created = cf.create_distribution(DistributionConfig=cfg)["Distribution"]["DistributionConfig"]
    assert created["Restrictions"]["GeoRestriction"]["Items"] == ["US", "CA", "GB"]
    assert created["CacheBehaviors"]["Quantity"] == 75
    assert created["Origins"]["Items"][1]["CustomOriginConfig"]["OriginReadTimeout"] == 120


def test_forwarded_values_get_their_empty_lists_as_cloudfront_echoes_them(cf):
    cfg = u.dist_config()
    legacy_behavior(cfg)
    created = cf.create_distribution(DistributionConfig=cfg)
    forwarded = created["Distribution"]["DistributionConfig"]["DefaultCacheBehavior"]["ForwardedValues"]
    assert forwarded["Headers"] == {"Quantity": 0}
    assert forwarded["QueryStringCacheKeys"] == {"Quantity": 0}
    got = cf.get_distribution_config(Id=created["Distribution"]["Id"])["DistributionConfig"]
    assert got["DefaultCacheBehavior"]["ForwardedValues"] == forwarded


def test_the_viewer_certificate_is_echoed_with_what_cloudfront_derives(cf):
    cfg = u.dist_config(Aliases=items(["www.example.com"]), ViewerCertificate=ACM_CERTIFICATE)
    certificate = cf.create_distribution(DistributionConfig=cfg)["Distribution"]["DistributionConfig"][
        "ViewerCertificate"]
    assert certificate == {**ACM_CERTIFICATE, "CloudFrontDefaultCertificate": False, "Certificate": ACM_ARN,
                           "CertificateSource": "acm"}
    # With the default certificate CloudFront sets TLSv1 whatever was asked for.
    cfg = u.dist_config(ViewerCertificate={"CloudFrontDefaultCertificate": True,
                                           "MinimumProtocolVersion": "TLSv1.2_2021"})
    certificate = cf.create_distribution(DistributionConfig=cfg)["Distribution"]["DistributionConfig"][
        "ViewerCertificate"]
    assert certificate == {"CloudFrontDefaultCertificate": True, "MinimumProtocolVersion": "TLSv1",
                           "CertificateSource": "cloudfront"}


def test_staging_cannot_be_changed_by_an_update(cf):
    created = cf.create_distribution(DistributionConfig=u.dist_config())
    cfg = copy.deepcopy(created["Distribution"]["DistributionConfig"])
    cfg["Staging"] = True
    with u.expect_error("IllegalUpdate", 400):
        cf.update_distribution(Id=created["Distribution"]["Id"], IfMatch=created["ETag"], DistributionConfig=cfg)
