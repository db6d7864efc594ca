"""Every list of issue 14 pages with Marker/MaxItems (boto3; through the model copy where Debian's
botocore lacks the operation): walking with MaxItems 1 from NextMarker to NextMarker gives the whole
list, in the same order, one item a page, and the last page says it is the last."""

import e2e_util as u
from test_field_level_encryption import encryption_config, profile_config, public_key
from test_realtime_logs import create as create_realtime_log_config
from test_realtime_logs import sending_to
from test_vpc_origins import endpoint_config, using

WEB_ACL = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/paging/473e64fd-f30b-4765-81a0-62ad96dd167a"


def walk(call, list_key, max_items="1"):
    """The items of every page from the first, asserting each page's envelope."""
    pages, marker = [], None
    while True:
        page = call(MaxItems=max_items, **({"Marker": marker} if marker else {}))[list_key]
        assert page["Quantity"] == len(page.get("Items", [])) <= int(max_items)
        pages.append(page)
        assert len(pages) <= 20, "the marker does not move on"
        marker = page.get("NextMarker")
        if "IsTruncated" in page:
            assert page["IsTruncated"] is bool(marker)
        if not marker:
            return [item for p in pages for item in p.get("Items", [])], len(pages)


def assert_pages(call, list_key, expected):
    """Unpaged, the list is expected; paged by one, the same items in the same order."""
    whole = call()[list_key]
    assert whole.get("Items", []) == expected
    items, pages = walk(call, list_key)
    assert items == expected and pages == len(expected)


def ids(items, key="Id"):
    return [item[key] for item in items]


def test_field_level_encryption_lists(cf):
    key_id = public_key(cf)
    profiles = [cf.create_field_level_encryption_profile(FieldLevelEncryptionProfileConfig=profile_config(
        key_id, patterns=(f"field{i}",)))["FieldLevelEncryptionProfile"]["Id"] for i in range(3)]
    configs = [cf.create_field_level_encryption_config(FieldLevelEncryptionConfig=encryption_config(
        profile))["FieldLevelEncryption"]["Id"] for profile in profiles]

    listed = cf.list_field_level_encryption_profiles()["FieldLevelEncryptionProfileList"]
    assert sorted(ids(listed["Items"])) == sorted(profiles)
    assert_pages(cf.list_field_level_encryption_profiles, "FieldLevelEncryptionProfileList", listed["Items"])
    listed = cf.list_field_level_encryption_configs()["FieldLevelEncryptionList"]
    assert sorted(ids(listed["Items"])) == sorted(configs)
    assert_pages(cf.list_field_level_encryption_configs, "FieldLevelEncryptionList", listed["Items"])


def test_vpc_origin_lists(cfm, account):
    origins = [cfm.create_vpc_origin(VpcOriginEndpointConfig=endpoint_config())["VpcOrigin"] for _ in range(3)]
    listed = cfm.list_vpc_origins()["VpcOriginList"]
    assert sorted(ids(listed["Items"])) == sorted(origin["Id"] for origin in origins)
    assert_pages(cfm.list_vpc_origins, "VpcOriginList", listed["Items"])

    origin = origins[0]
    users = [cfm.create_distribution(DistributionConfig=using(origin["Id"]))["Distribution"]["Id"] for _ in range(3)]
    cfm.create_distribution(DistributionConfig=using(origins[1]["Id"]))  # another origin's user
    by_id = lambda **kw: cfm.list_distributions_by_vpc_origin_id(VpcOriginId=origin["Id"], **kw)  # noqa: E731
    assert_pages(by_id, "DistributionIdList", users)
    owned = lambda **kw: cfm.list_distributions_by_owned_resource(ResourceArn=origin["Arn"], **kw)  # noqa: E731
    assert_pages(owned, "DistributionList", [{"DistributionId": d, "OwnerAccountId": account} for d in users])


def test_distributions_by_realtime_log_config_and_by_web_acl(cf, cfm):
    config = create_realtime_log_config(cf)
    senders = [cf.create_distribution(DistributionConfig=sending_to(config["ARN"], WebACLId=WEB_ACL))["Distribution"]
               for _ in range(3)]
    cf.create_distribution(DistributionConfig=u.dist_config())  # neither sends to it nor is protected
    expected = [d["Id"] for d in senders]

    by_name = lambda **kw: cf.list_distributions_by_realtime_log_config(  # noqa: E731
        RealtimeLogConfigName=config["Name"], **kw)
    assert ids(by_name()["DistributionList"]["Items"]) == expected
    assert ids(walk(by_name, "DistributionList")[0]) == expected
    by_acl = lambda **kw: cfm.list_distributions_by_web_acl_id(WebACLId=WEB_ACL, **kw)  # noqa: E731
    assert ids(by_acl()["DistributionList"]["Items"]) == expected
    assert ids(walk(by_acl, "DistributionList")[0]) == expected


def test_domain_conflicts(cfm, make_client, new_account):
    domain = f"{u.unique_ref('pg')[-12:]}.example.com"
    other = make_client(new_account())
    for name in ("www", "api", "img"):
        other.create_distribution(DistributionConfig=u.dist_config(**u.with_aliases(f"{name}.{domain}")))
    target = cfm.create_distribution(DistributionConfig=u.dist_config(ViewerCertificate=u.ACM_CERTIFICATE))
    resource = {"DistributionId": target["Distribution"]["Id"]}

    whole = cfm.list_domain_conflicts(Domain=f"*.{domain}", DomainControlValidationResource=resource)
    assert sorted(c["Domain"] for c in whole["DomainConflicts"]) == sorted(
        f"{name}.{domain}" for name in ("www", "api", "img"))
    assert "NextMarker" not in whole
    pages, marker = [], None
    while True:
        page = cfm.list_domain_conflicts(Domain=f"*.{domain}", DomainControlValidationResource=resource,
                                         MaxItems=1, **({"Marker": marker} if marker else {}))
        assert len(page["DomainConflicts"]) == 1
        pages.append(page["DomainConflicts"][0])
        assert len(pages) <= 20, "the marker does not move on"
        marker = page.get("NextMarker")
        if not marker:
            break
    assert pages == whole["DomainConflicts"]
