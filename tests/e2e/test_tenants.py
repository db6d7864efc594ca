"""Multi-tenant distributions with boto3 on the repository's model copy (Debian's botocore does not
know them): connection groups (the default one made on first need, routing endpoints, the in-use
rule), distribution tenants (domains, parameters, customizations, web ACLs, lookups by domain and
customization), their invalidations, managed certificates on the clock, and
ListDistributionsByConnectionMode."""

import re

import pytest
import requests

import e2e_util as u
from e2e_util import expect_error

WEB_ACL = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/tenant-acl/0123abcd-0123-4567-89ab-0123456789ab"
CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"


def settle(url, resource_id):
    requests.post(url + "/_emulator/settle", json={"id": resource_id}).raise_for_status()


def advance_clock(url, seconds):
    requests.post(url + "/_emulator/clock", json={"advance_seconds": seconds}).raise_for_status()


def multi_tenant_config(parameters=(), **overrides):
    """A tenant-only DistributionConfig defining these parameters ((name, required, default) each)."""
    definitions = []
    for name, required, default in parameters:
        schema = {"Required": required}
        if default is not None:
            schema["DefaultValue"] = default
        definitions.append({"Name": name, "Definition": {"StringSchema": schema}})
    config = u.dist_config(ConnectionMode="tenant-only", **overrides)
    if definitions:
        config["TenantConfig"] = {"ParameterDefinitions": definitions}
    return config


def create_multi_tenant(cfm, parameters=()):
    return cfm.create_distribution(DistributionConfig=multi_tenant_config(parameters))["Distribution"]


def domains(*names):
    return [{"Domain": name} for name in names]


def test_connection_groups_every_operation(cfm, url, account):
    created = cfm.create_connection_group(Name="edge-group", Ipv6Enabled=False,
                                          Tags={"Items": [{"Key": "team", "Value": "web"}]})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    group = created["ConnectionGroup"]
    group_id = group["Id"]
    assert re.fullmatch(r"cg_[A-Za-z0-9]{27}", group_id), group_id
    assert group["Arn"] == f"arn:aws:cloudfront::{account}:connection-group/{group_id}"
    assert re.fullmatch(r"d[a-z0-9]{13}\.cloudfront\.net", group["RoutingEndpoint"])
    assert (group["Status"], group["Enabled"], group["Ipv6Enabled"], group["IsDefault"]) == \
        ("InProgress", True, False, False)
    assert group["Tags"]["Items"] == [{"Key": "team", "Value": "web"}]
    assert cfm.list_tags_for_resource(Resource=group["Arn"])["Tags"]["Items"] == [{"Key": "team", "Value": "web"}]

    settle(url, group_id)
    for identifier in (group_id, group["Arn"], "edge-group"):
        got = cfm.get_connection_group(Identifier=identifier)
        assert got["ETag"] == created["ETag"] and got["ConnectionGroup"]["Status"] == "Deployed"
    by_endpoint = cfm.get_connection_group_by_routing_endpoint(RoutingEndpoint=group["RoutingEndpoint"])
    assert by_endpoint["ConnectionGroup"]["Id"] == group_id and by_endpoint["ETag"] == created["ETag"]
    with expect_error("EntityNotFound", 404):
        cfm.get_connection_group_by_routing_endpoint(RoutingEndpoint="dnosuchendpoint.cloudfront.net")
    with expect_error("EntityNotFound", 404):
        cfm.get_connection_group(Identifier="cg_nosuchgroup")
    with expect_error("EntityAlreadyExists", 409):
        cfm.create_connection_group(Name="edge-group")
    with expect_error("InvalidArgument", 400):
        cfm.create_connection_group(Name="-bad name-")

    updated = cfm.update_connection_group(Id=group_id, IfMatch=created["ETag"], Enabled=False)
    assert updated["ETag"] != created["ETag"]
    assert (updated["ConnectionGroup"]["Name"], updated["ConnectionGroup"]["Enabled"],
            updated["ConnectionGroup"]["Ipv6Enabled"], updated["ConnectionGroup"]["Status"]) == \
        ("edge-group", False, False, "InProgress")
    with expect_error("PreconditionFailed", 412):
        cfm.update_connection_group(Id=group_id, IfMatch=created["ETag"], Enabled=True)

    listed = cfm.list_connection_groups()["ConnectionGroups"]
    assert [(g["Id"], g["ETag"], g["Enabled"]) for g in listed] == [(group_id, updated["ETag"], False)]
    page = cfm.list_connection_groups(MaxItems=1)
    assert "NextMarker" not in page

    settle(url, group_id)
    with expect_error("PreconditionFailed", 412):
        cfm.delete_connection_group(Id=group_id, IfMatch=created["ETag"])
    cfm.delete_connection_group(Id=group_id, IfMatch=updated["ETag"])
    with expect_error("EntityNotFound", 404):
        cfm.get_connection_group(Identifier=group_id)


def test_connection_group_pages(cfm):
    ids = [cfm.create_connection_group(Name=f"group-{n}")["ConnectionGroup"]["Id"] for n in range(3)]
    first = cfm.list_connection_groups(MaxItems=2)
    assert [g["Id"] for g in first["ConnectionGroups"]] == ids[:2] and first["NextMarker"] == ids[1]
    second = cfm.list_connection_groups(MaxItems=2, Marker=first["NextMarker"])
    assert [g["Id"] for g in second["ConnectionGroups"]] == ids[2:] and "NextMarker" not in second


def test_multi_tenant_distributions_and_connection_mode(cfm):
    multi = create_multi_tenant(cfm, parameters=[("origin", True, None)])
    assert multi["DistributionConfig"]["ConnectionMode"] == "tenant-only"
    assert multi["DistributionConfig"]["TenantConfig"]["ParameterDefinitions"][0]["Name"] == "origin"
    direct = cfm.create_distribution(DistributionConfig=u.dist_config())["Distribution"]

    def listed(mode):
        return [d["Id"] for d in cfm.list_distributions_by_connection_mode(
            ConnectionMode=mode)["DistributionList"].get("Items", [])]
    assert listed("tenant-only") == [multi["Id"]]
    assert listed("direct") == [direct["Id"]]
    summary = cfm.list_distributions_by_connection_mode(ConnectionMode="tenant-only")["DistributionList"]["Items"][0]
    assert summary["ConnectionMode"] == "tenant-only"

    with expect_error("InvalidArgument", 400):
        cfm.create_distribution(DistributionConfig=u.dist_config(
            TenantConfig={"ParameterDefinitions": [{"Name": "p", "Definition": {"StringSchema": {"Required": False}}}]}))
    with expect_error("InvalidArgument", 400):
        cfm.create_distribution(DistributionConfig=multi_tenant_config(**u.with_aliases("www.example.com")))
    got = cfm.get_distribution_config(Id=multi["Id"])
    config = dict(got["DistributionConfig"], ConnectionMode="direct")
    config.pop("TenantConfig")
    with expect_error("IllegalUpdate", 400):
        cfm.update_distribution(Id=multi["Id"], IfMatch=got["ETag"], DistributionConfig=config)


def test_tenants_every_operation(cfm, url, account):
    distribution = create_multi_tenant(cfm, parameters=[("origin", True, None), ("path", False, "/")])
    created = cfm.create_distribution_tenant(
        DistributionId=distribution["Id"], Name="tenant-one", Domains=domains("one.example.com"),
        Parameters=[{"Name": "origin", "Value": "one.origin.example.com"}],
        Tags={"Items": [{"Key": "tier", "Value": "gold"}]})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    tenant = created["DistributionTenant"]
    tenant_id = tenant["Id"]
    assert re.fullmatch(r"dt_[A-Za-z0-9]{27}", tenant_id), tenant_id
    assert tenant["Arn"] == f"arn:aws:cloudfront::{account}:distribution-tenant/{tenant_id}"
    assert (tenant["Status"], tenant["Enabled"], tenant["DistributionId"]) == ("InProgress", True, distribution["Id"])
    assert tenant["Domains"] == [{"Domain": "one.example.com", "Status": "inactive"}]
    assert tenant["Tags"]["Items"] == [{"Key": "tier", "Value": "gold"}]

    # The account's default connection group was made for it.
    groups = cfm.list_connection_groups()["ConnectionGroups"]
    assert [(g["Id"], g["IsDefault"]) for g in groups] == [(tenant["ConnectionGroupId"], True)]

    settle(url, tenant_id)
    for identifier in (tenant_id, tenant["Arn"], "tenant-one"):
        got = cfm.get_distribution_tenant(Identifier=identifier)
        assert got["ETag"] == created["ETag"] and got["DistributionTenant"]["Status"] == "Deployed"
        assert got["DistributionTenant"]["Domains"] == [{"Domain": "one.example.com", "Status": "active"}]
    by_domain = cfm.get_distribution_tenant_by_domain(Domain="one.example.com")
    assert by_domain["DistributionTenant"]["Id"] == tenant_id and by_domain["ETag"] == created["ETag"]
    with expect_error("EntityNotFound", 404):
        cfm.get_distribution_tenant_by_domain(Domain="nobody.example.com")
    with expect_error("EntityNotFound", 404):
        cfm.get_distribution_tenant(Identifier="dt_nosuchtenant")

    with expect_error("EntityAlreadyExists", 409):
        cfm.create_distribution_tenant(DistributionId=distribution["Id"], Name="tenant-one",
                                       Domains=domains("other.example.com"),
                                       Parameters=[{"Name": "origin", "Value": "x"}])
    with expect_error("CNAMEAlreadyExists", 409):
        cfm.create_distribution_tenant(DistributionId=distribution["Id"], Name="tenant-two",
                                       Domains=domains("one.example.com"),
                                       Parameters=[{"Name": "origin", "Value": "x"}])

    updated = cfm.update_distribution_tenant(Id=tenant_id, IfMatch=created["ETag"],
                                             Domains=domains("one.example.com", "www.one.example.com"))
    assert updated["ETag"] != created["ETag"]
    changed = updated["DistributionTenant"]
    assert changed["Name"] == "tenant-one" and changed["Status"] == "InProgress"
    assert [d["Domain"] for d in changed["Domains"]] == ["one.example.com", "www.one.example.com"]
    assert changed["Parameters"] == [{"Name": "origin", "Value": "one.origin.example.com"}]
    with expect_error("PreconditionFailed", 412):
        cfm.update_distribution_tenant(Id=tenant_id, IfMatch=created["ETag"], Enabled=False)

    listed = cfm.list_distribution_tenants(AssociationFilter={"DistributionId": distribution["Id"]})
    assert [(t["Id"], t["ETag"]) for t in listed["DistributionTenantList"]] == [(tenant_id, updated["ETag"])]
    other = cfm.create_distribution(DistributionConfig=multi_tenant_config())["Distribution"]
    assert cfm.list_distribution_tenants(
        AssociationFilter={"DistributionId": other["Id"]}).get("DistributionTenantList", []) == []
    by_group = cfm.list_distribution_tenants(AssociationFilter={"ConnectionGroupId": tenant["ConnectionGroupId"]})
    assert [t["Id"] for t in by_group["DistributionTenantList"]] == [tenant_id]
    with expect_error("EntityNotFound", 404):
        cfm.list_distribution_tenants(AssociationFilter={"DistributionId": "ENOSUCHDIST123"})

    # The web ACL: associated, found by customization, disassociated.
    with expect_error("InvalidArgument", 400):
        cfm.associate_distribution_tenant_web_acl(Id=tenant_id, WebACLArn="not-an-arn", IfMatch=updated["ETag"])
    associated = cfm.associate_distribution_tenant_web_acl(Id=tenant_id, WebACLArn=WEB_ACL, IfMatch=updated["ETag"])
    assert associated["Id"] == tenant_id and associated["WebACLArn"] == WEB_ACL
    assert associated["ETag"] != updated["ETag"]
    got = cfm.get_distribution_tenant(Identifier=tenant_id)["DistributionTenant"]
    assert got["Customizations"]["WebAcl"] == {"Action": "override", "Arn": WEB_ACL}
    found = cfm.list_distribution_tenants_by_customization(WebACLArn=WEB_ACL)["DistributionTenantList"]
    assert [t["Id"] for t in found] == [tenant_id]
    with expect_error("InvalidArgument", 400):
        cfm.list_distribution_tenants_by_customization()
    with expect_error("PreconditionFailed", 412):
        cfm.disassociate_distribution_tenant_web_acl(Id=tenant_id, IfMatch=updated["ETag"])
    disassociated = cfm.disassociate_distribution_tenant_web_acl(Id=tenant_id, IfMatch=associated["ETag"])
    assert "Customizations" not in cfm.get_distribution_tenant(Identifier=tenant_id)["DistributionTenant"]
    assert cfm.list_distribution_tenants_by_customization(WebACLArn=WEB_ACL).get("DistributionTenantList", []) == []
    with expect_error("EntityNotFound", 404):
        cfm.associate_distribution_tenant_web_acl(Id="dt_nosuchtenant", WebACLArn=WEB_ACL, IfMatch="E1")

    # In use: the distribution and the connection group stay while the tenant names them.
    group = cfm.get_connection_group(Identifier=tenant["ConnectionGroupId"])
    with expect_error("ResourceNotDisabled", 409):
        cfm.delete_connection_group(Id=tenant["ConnectionGroupId"], IfMatch=group["ETag"])
    disabled_group = cfm.update_connection_group(Id=tenant["ConnectionGroupId"], IfMatch=group["ETag"], Enabled=False)
    settle(url, tenant["ConnectionGroupId"])
    with expect_error("CannotDeleteEntityWhileInUse", 409):
        cfm.delete_connection_group(Id=tenant["ConnectionGroupId"], IfMatch=disabled_group["ETag"])
    dist_config = cfm.get_distribution_config(Id=distribution["Id"])
    disabled = cfm.update_distribution(Id=distribution["Id"], IfMatch=dist_config["ETag"],
                                       DistributionConfig=dict(dist_config["DistributionConfig"], Enabled=False))
    settle(url, distribution["Id"])
    with expect_error("ResourceInUse", 409):
        cfm.delete_distribution(Id=distribution["Id"], IfMatch=disabled["ETag"])

    # A tenant is deleted disabled and deployed.
    with expect_error("ResourceNotDisabled", 409):
        cfm.delete_distribution_tenant(Id=tenant_id, IfMatch=disassociated["ETag"])
    off = cfm.update_distribution_tenant(Id=tenant_id, IfMatch=disassociated["ETag"], Enabled=False)
    settle(url, tenant_id)
    cfm.delete_distribution_tenant(Id=tenant_id, IfMatch=off["ETag"])
    with expect_error("EntityNotFound", 404):
        cfm.get_distribution_tenant(Identifier=tenant_id)
    cfm.delete_distribution(Id=distribution["Id"], IfMatch=disabled["ETag"])
    cfm.delete_connection_group(Id=tenant["ConnectionGroupId"], IfMatch=disabled_group["ETag"])


def test_tenant_rules(cfm):
    distribution = create_multi_tenant(cfm, parameters=[("origin", True, None), ("path", False, "/")])
    direct = cfm.create_distribution(DistributionConfig=u.dist_config())["Distribution"]

    def create(**overrides):
        args = {"DistributionId": distribution["Id"], "Name": u.unique_ref("t")[:40],
                "Domains": domains(u.unique_ref("d")[:20] + ".example.com"),
                "Parameters": [{"Name": "origin", "Value": "origin.example.com"}], **overrides}
        return cfm.create_distribution_tenant(**args)

    with expect_error("InvalidAssociation", 409):
        create(DistributionId=direct["Id"])
    with expect_error("EntityNotFound", 404):
        create(DistributionId="ENOSUCHDIST123")
    with expect_error("EntityNotFound", 404):
        create(ConnectionGroupId="cg_nosuchgroup")
    with expect_error("InvalidArgument", 400):
        create(Parameters=[])  # origin is required and has no default
    with expect_error("InvalidArgument", 400):
        create(Parameters=[{"Name": "origin", "Value": "o"}, {"Name": "undefined", "Value": "x"}])
    with expect_error("InvalidArgument", 400):
        create(Domains=domains("not a domain"))
    with expect_error("InvalidArgument", 400):
        create(Customizations={"WebAcl": {"Action": "override"}})
    with expect_error("InvalidArgument", 400):
        create(Customizations={"Certificate": {"Arn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc"}})
    with expect_error("InvalidArgument", 400):
        create(Customizations={"GeoRestrictions": {"RestrictionType": "whitelist", "Locations": ["XX"]}})

    group = cfm.create_connection_group(Name="own-group")["ConnectionGroup"]
    tenant = create(ConnectionGroupId=group["Id"],
                    Customizations={"Certificate": {"Arn": CERTIFICATE},
                                    "GeoRestrictions": {"RestrictionType": "whitelist", "Locations": ["US", "CA"]},
                                    "WebAcl": {"Action": "disable"}})["DistributionTenant"]
    assert tenant["ConnectionGroupId"] == group["Id"]
    assert tenant["Customizations"]["GeoRestrictions"] == {"RestrictionType": "whitelist", "Locations": ["US", "CA"]}
    found = cfm.list_distribution_tenants_by_customization(CertificateArn=CERTIFICATE)["DistributionTenantList"]
    assert [t["Id"] for t in found] == [tenant["Id"]]
    # No default group was needed.
    assert [g["IsDefault"] for g in cfm.list_connection_groups()["ConnectionGroups"]] == [False]


def test_tenant_invalidations(cfm, url):
    distribution = create_multi_tenant(cfm)
    tenant = cfm.create_distribution_tenant(DistributionId=distribution["Id"], Name="inv-tenant",
                                            Domains=domains("inv.example.com"))["DistributionTenant"]
    batch = {"CallerReference": u.unique_ref("inv"), "Paths": {"Quantity": 2, "Items": ["/index.html", "/img/*"]}}
    created = cfm.create_invalidation_for_distribution_tenant(Id=tenant["Id"], InvalidationBatch=batch)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    invalidation = created["Invalidation"]
    assert re.fullmatch(r"I[A-Z0-9]{13}", invalidation["Id"]) and invalidation["Status"] == "InProgress"
    assert created["Location"].endswith(f"/distribution-tenant/{tenant['Id']}/invalidation/{invalidation['Id']}")
    replay = cfm.create_invalidation_for_distribution_tenant(Id=tenant["Id"], InvalidationBatch=batch)
    assert replay["Invalidation"]["Id"] == invalidation["Id"]
    with expect_error("InvalidArgument", 400):
        cfm.create_invalidation_for_distribution_tenant(
            Id=tenant["Id"], InvalidationBatch=dict(batch, Paths={"Quantity": 1, "Items": ["/other"]}))
    with expect_error("InvalidArgument", 400):
        cfm.create_invalidation_for_distribution_tenant(
            Id=tenant["Id"], InvalidationBatch={"CallerReference": "x", "Paths": {"Quantity": 1, "Items": ["no-slash"]}})
    with expect_error("EntityNotFound", 404):
        cfm.create_invalidation_for_distribution_tenant(Id="dt_nosuchtenant", InvalidationBatch=batch)

    settle(url, invalidation["Id"])
    got = cfm.get_invalidation_for_distribution_tenant(DistributionTenantId=tenant["Id"], Id=invalidation["Id"])
    assert got["Invalidation"]["Status"] == "Completed"
    assert got["Invalidation"]["InvalidationBatch"]["Paths"]["Items"] == ["/index.html", "/img/*"]
    with expect_error("NoSuchInvalidation", 404):
        cfm.get_invalidation_for_distribution_tenant(DistributionTenantId=tenant["Id"], Id="INOSUCHINVALID")
    with expect_error("EntityNotFound", 404):
        cfm.get_invalidation_for_distribution_tenant(DistributionTenantId="dt_nosuchtenant", Id=invalidation["Id"])
    listed = cfm.list_invalidations_for_distribution_tenant(Id=tenant["Id"])["InvalidationList"]
    assert [(i["Id"], i["Status"]) for i in listed["Items"]] == [(invalidation["Id"], "Completed")]
    with expect_error("EntityNotFound", 404):
        cfm.list_invalidations_for_distribution_tenant(Id="dt_nosuchtenant")
    # The distribution's own invalidations are another list.
    assert cfm.list_invalidations(DistributionId=distribution["Id"])["InvalidationList"]["Quantity"] == 0


def test_managed_certificate_validates_on_the_clock(cfm, url, account):
    delay = requests.get(url + "/_emulator/config").json()["propagation_delay_seconds"]
    requests.patch(url + "/_emulator/config", json={"propagation_delay_seconds": 30}).raise_for_status()
    try:
        distribution = create_multi_tenant(cfm)
        tenant = cfm.create_distribution_tenant(
            DistributionId=distribution["Id"], Name="managed", Domains=domains("a.example.com", "b.example.com"),
            ManagedCertificateRequest={"ValidationTokenHost": "cloudfront", "PrimaryDomainName": "a.example.com"},
        )["DistributionTenant"]
    finally:
        requests.patch(url + "/_emulator/config", json={"propagation_delay_seconds": delay}).raise_for_status()
    details = cfm.get_managed_certificate_details(Identifier=tenant["Id"])["ManagedCertificateDetails"]
    assert re.fullmatch(rf"arn:aws:acm:us-east-1:{account}:certificate/[0-9a-f-]{{36}}", details["CertificateArn"])
    assert details["CertificateStatus"] == "pending-validation"
    assert details["ValidationTokenHost"] == "cloudfront"
    tokens = details["ValidationTokenDetails"]
    assert [t["Domain"] for t in tokens] == ["a.example.com", "b.example.com"]
    assert re.fullmatch(r"http://a\.example\.com/\.well-known/pki-validation/[0-9a-f]{32}\.txt", tokens[0]["RedirectFrom"])
    # Deployed, but its domains wait for the certificate.
    settle(url, tenant["Id"])
    got = cfm.get_distribution_tenant(Identifier=tenant["Id"])["DistributionTenant"]
    assert {d["Status"] for d in got["Domains"]} == {"inactive"}

    advance_clock(url, 31)
    again = cfm.get_managed_certificate_details(Identifier=tenant["Arn"])["ManagedCertificateDetails"]
    assert again["CertificateStatus"] == "issued" and again["ValidationTokenDetails"] == tokens
    got = cfm.get_distribution_tenant(Identifier=tenant["Id"])["DistributionTenant"]
    assert {d["Status"] for d in got["Domains"]} == {"active"}
    found = cfm.list_distribution_tenants_by_customization(CertificateArn=details["CertificateArn"])
    assert [t["Id"] for t in found["DistributionTenantList"]] == [tenant["Id"]]

    with expect_error("InvalidArgument", 400):
        cfm.create_distribution_tenant(
            DistributionId=distribution["Id"], Name="bad-primary", Domains=domains("c.example.com"),
            ManagedCertificateRequest={"ValidationTokenHost": "self-hosted", "PrimaryDomainName": "z.example.com"})
    plain = cfm.create_distribution_tenant(DistributionId=distribution["Id"], Name="plain",
                                           Domains=domains("p.example.com"))["DistributionTenant"]
    with expect_error("EntityNotFound", 404):
        cfm.get_managed_certificate_details(Identifier=plain["Id"])
    with expect_error("EntityNotFound", 404):
        cfm.get_managed_certificate_details(Identifier="dt_nosuchtenant")


def test_snapshot_round_trip(start_emulator, new_account):
    """Connection groups, tenants (with a managed certificate) and their invalidations leave in a
    snapshot and come back as they were."""
    em = start_emulator("--propagation-delay", "3600")
    cfm = u.make_model_client(em.url, new_account())
    distribution = create_multi_tenant(cfm)
    tenant = cfm.create_distribution_tenant(
        DistributionId=distribution["Id"], Name="snap", Domains=domains("snap.example.com"),
        ManagedCertificateRequest={"ValidationTokenHost": "self-hosted"},
        Tags={"Items": [{"Key": "k", "Value": "v"}]})["DistributionTenant"]
    cfm.create_invalidation_for_distribution_tenant(
        Id=tenant["Id"], InvalidationBatch={"CallerReference": "snap", "Paths": {"Quantity": 1, "Items": ["/*"]}})

    def observed():
        got = cfm.get_distribution_tenant(Identifier=tenant["Id"])
        return (got["ETag"], got["DistributionTenant"],
                cfm.get_managed_certificate_details(Identifier=tenant["Id"])["ManagedCertificateDetails"],
                cfm.list_connection_groups()["ConnectionGroups"],
                cfm.list_invalidations_for_distribution_tenant(Id=tenant["Id"])["InvalidationList"]["Items"])

    before = observed()
    snapshot = requests.get(em.url + "/_emulator/state").json()
    assert {r["kind"] for r in snapshot["resources"]} == {
        "distribution", "connection-group", "distribution-tenant", "tenant-invalidation"}
    requests.post(em.url + "/_emulator/reset", json={}).raise_for_status()
    with expect_error("EntityNotFound", 404):
        cfm.get_distribution_tenant(Identifier=tenant["Id"])
    put = requests.put(em.url + "/_emulator/state", json=snapshot)
    assert put.status_code == 200, put.text
    assert observed() == before
