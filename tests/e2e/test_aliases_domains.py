"""Aliases and domains across the accounts of one emulator (boto3; the domain operations and the web ACL
association through the repository's model copy): conflicts, moving an alias or a domain in one
transaction, DNS verification as the emulator decides it, and web ACLs with their ETag rules."""

import pytest
import requests

import e2e_util as u
from e2e_util import expect_error

WEB_ACL = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/473e64fd-f30b-4765-81a0-62ad96dd167a"


@pytest.fixture
def other(make_client, new_account):
    return make_client(new_account())


def with_certificate(**overrides):
    return u.dist_config(ViewerCertificate=u.ACM_CERTIFICATE, **overrides)


def fresh_domain():
    return f"{u.unique_ref('d')[-12:]}.example.com"


def test_list_conflicting_aliases(cf, other):
    domain = fresh_domain()
    mine = cf.create_distribution(DistributionConfig=with_certificate())["Distribution"]
    theirs = other.create_distribution(DistributionConfig=u.dist_config(**u.with_aliases(
        f"www.{domain}", f"api.{domain}")))["Distribution"]
    wildcard = other.create_distribution(DistributionConfig=u.dist_config(**u.with_aliases(
        f"*.{domain}")))["Distribution"]

    found = cf.list_conflicting_aliases(DistributionId=mine["Id"], Alias=f"www.{domain}")["ConflictingAliasesList"]
    assert found["Quantity"] == 2
    assert sorted(a["Alias"] for a in found["Items"]) == sorted([f"www.{domain}", f"*.{domain}"])
    for item in found["Items"]:
        assert item["DistributionId"] in (theirs["Id"][:4] + "*" * 8 + theirs["Id"][-2:],
                                          wildcard["Id"][:4] + "*" * 8 + wildcard["Id"][-2:])
        assert item["AccountId"].startswith("******") and len(item["AccountId"]) == 12
    # A wildcard overlaps every name it covers.
    covering = cf.list_conflicting_aliases(DistributionId=mine["Id"], Alias=f"*.{domain}")["ConflictingAliasesList"]
    assert covering["Quantity"] == 3
    page = cf.list_conflicting_aliases(DistributionId=mine["Id"], Alias=f"*.{domain}", MaxItems=2)[
        "ConflictingAliasesList"]
    assert page["Quantity"] == 2 and page["NextMarker"]
    rest = cf.list_conflicting_aliases(DistributionId=mine["Id"], Alias=f"*.{domain}",
                                       Marker=page["NextMarker"])["ConflictingAliasesList"]
    assert rest["Quantity"] == 1 and "NextMarker" not in rest

    with expect_error("NoSuchDistribution", 404):
        cf.list_conflicting_aliases(DistributionId="E0000000000000", Alias=f"www.{domain}")
    plain = cf.create_distribution(DistributionConfig=u.dist_config())["Distribution"]
    with expect_error("InvalidArgument", 400):  # the default certificate covers no alias
        cf.list_conflicting_aliases(DistributionId=plain["Id"], Alias=f"www.{domain}")
    with expect_error("InvalidArgument", 400):
        cf.list_conflicting_aliases(DistributionId=mine["Id"], Alias="not a domain")


def test_associate_alias_moves_it_in_one_transaction(cf, other):
    alias = f"www.{fresh_domain()}"
    source = other.create_distribution(DistributionConfig=u.dist_config(**u.with_aliases(alias, f"x{alias}")))
    target = cf.create_distribution(DistributionConfig=with_certificate())
    cf.associate_alias(TargetDistributionId=target["Distribution"]["Id"], Alias=alias)

    moved = cf.get_distribution_config(Id=target["Distribution"]["Id"])
    assert moved["DistributionConfig"]["Aliases"] == {"Quantity": 1, "Items": [alias]}
    assert moved["ETag"] != target["ETag"]
    left = other.get_distribution(Id=source["Distribution"]["Id"])
    assert left["Distribution"]["DistributionConfig"]["Aliases"] == {"Quantity": 1, "Items": [f"x{alias}"]}
    assert left["ETag"] != source["ETag"] and left["Distribution"]["Status"] == "InProgress"
    # Again: nothing to do.
    cf.associate_alias(TargetDistributionId=target["Distribution"]["Id"], Alias=alias)
    assert cf.get_distribution_config(Id=target["Distribution"]["Id"])["ETag"] == moved["ETag"]

    with expect_error("NoSuchDistribution", 404):
        cf.associate_alias(TargetDistributionId="E0000000000000", Alias=alias)
    plain = cf.create_distribution(DistributionConfig=u.dist_config())["Distribution"]
    with expect_error("InvalidArgument", 400):
        cf.associate_alias(TargetDistributionId=plain["Id"], Alias=alias)
    staging = cf.create_distribution(DistributionConfig=with_certificate(Staging=True))["Distribution"]
    with expect_error("IllegalUpdate", 400):
        cf.associate_alias(TargetDistributionId=staging["Id"], Alias=alias)
    full = cf.create_distribution(DistributionConfig=u.dist_config(**u.with_aliases(
        *[f"a{i}.{fresh_domain()}" for i in range(100)])))["Distribution"]
    with expect_error("TooManyDistributionCNAMEs", 400):
        cf.associate_alias(TargetDistributionId=full["Id"], Alias=f"x{alias}")


def test_domain_operations(cfm, new_account, url):
    other = u.make_model_client(url, new_account())
    domain = f"shop.{fresh_domain()}"
    source = other.create_distribution(DistributionConfig=u.dist_config(Enabled=False, **u.with_aliases(domain)))
    target = cfm.create_distribution(DistributionConfig=with_certificate())
    target_id = target["Distribution"]["Id"]

    conflicts = cfm.list_domain_conflicts(Domain=domain, DomainControlValidationResource={"DistributionId": target_id})
    assert [(c["Domain"], c["ResourceType"]) for c in conflicts["DomainConflicts"]] == [(domain, "distribution")]
    with expect_error("EntityNotFound", 404):
        cfm.list_domain_conflicts(Domain=domain, DomainControlValidationResource={"DistributionId": "E0000000000000"})

    with expect_error("InvalidIfMatchVersion", 400):
        cfm.update_domain_association(Domain=domain, TargetResource={"DistributionId": target_id}, IfMatch="")
    with expect_error("PreconditionFailed", 412):
        cfm.update_domain_association(Domain=domain, TargetResource={"DistributionId": target_id}, IfMatch="ESTALE")
    enabled = other.create_distribution(DistributionConfig=u.dist_config(**u.with_aliases(f"api.{domain}")))
    with expect_error("IllegalUpdate", 400):  # the source must be disabled first
        cfm.update_domain_association(Domain=f"api.{domain}", TargetResource={"DistributionId": target_id},
                                      IfMatch=target["ETag"])
    assert other.get_distribution(Id=enabled["Distribution"]["Id"])["ETag"] == enabled["ETag"]
    with expect_error("EntityNotFound", 404):
        cfm.update_domain_association(Domain=f"nobody.{domain}", TargetResource={"DistributionId": target_id},
                                      IfMatch=target["ETag"])
    moved = cfm.update_domain_association(Domain=domain, TargetResource={"DistributionId": target_id},
                                          IfMatch=target["ETag"])
    assert moved["Domain"] == domain and moved["ResourceId"] == target_id
    assert moved["ETag"] == cfm.get_distribution(Id=target_id)["ETag"] != target["ETag"]
    assert other.get_distribution_config(Id=source["Distribution"]["Id"])["DistributionConfig"]["Aliases"] == \
        {"Quantity": 0}

    verified = cfm.verify_dns_configuration(Identifier=target_id)["DnsConfigurationList"]
    assert [(d["Domain"], d["Status"]) for d in verified] == [(domain, "valid-configuration")]
    other_domain = cfm.verify_dns_configuration(Identifier=target["Distribution"]["ARN"],
                                                Domain=f"other.{domain}")["DnsConfigurationList"]
    assert [d["Status"] for d in other_domain] == ["invalid-configuration"]
    with expect_error("EntityNotFound", 404):
        cfm.verify_dns_configuration(Identifier="E0000000000000")


def test_web_acls(cfm, url):
    created = cfm.create_distribution(DistributionConfig=u.dist_config())
    dist_id = created["Distribution"]["Id"]
    with expect_error("InvalidIfMatchVersion", 400):
        cfm.associate_distribution_web_acl(Id=dist_id, WebACLArn=WEB_ACL, IfMatch="")
    with expect_error("InvalidArgument", 400):
        cfm.associate_distribution_web_acl(Id=dist_id, WebACLArn="473e64fd-f30b-4765-81a0-62ad96dd167a",
                                           IfMatch=created["ETag"])
    with expect_error("EntityNotFound", 404):
        cfm.associate_distribution_web_acl(Id="E0000000000000", WebACLArn=WEB_ACL, IfMatch=created["ETag"])
    associated = cfm.associate_distribution_web_acl(Id=dist_id, WebACLArn=WEB_ACL, IfMatch=created["ETag"])
    assert associated["Id"] == dist_id and associated["WebACLArn"] == WEB_ACL
    assert associated["ETag"] != created["ETag"]
    current = cfm.get_distribution(Id=dist_id)
    assert current["ETag"] == associated["ETag"]
    assert current["Distribution"]["DistributionConfig"]["WebACLId"] == WEB_ACL
    assert current["Distribution"]["Status"] == "InProgress"
    with expect_error("PreconditionFailed", 412):
        cfm.associate_distribution_web_acl(Id=dist_id, WebACLArn=WEB_ACL, IfMatch=created["ETag"])

    listed = cfm.list_distributions_by_web_acl_id(WebACLId=WEB_ACL)["DistributionList"]
    assert [d["Id"] for d in listed["Items"]] == [dist_id]
    assert listed["Items"][0]["WebACLId"] == WEB_ACL
    with expect_error("InvalidWebACLId", 400):
        cfm.list_distributions_by_web_acl_id(WebACLId="nope")

    gone = cfm.disassociate_distribution_web_acl(Id=dist_id, IfMatch=associated["ETag"])
    assert gone["Id"] == dist_id and "WebACLArn" not in gone
    assert cfm.get_distribution_config(Id=dist_id)["DistributionConfig"]["WebACLId"] == ""
    assert cfm.list_distributions_by_web_acl_id(WebACLId=WEB_ACL)["DistributionList"]["Quantity"] == 0
