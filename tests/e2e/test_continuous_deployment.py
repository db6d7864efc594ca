"""Continuous deployment with boto3: policies (every operation, their rules and limits), a staging
distribution named by one, a primary distribution naming the policy, and the in-use rules in both
directions."""

import pytest

import e2e_util as u
from e2e_util import expect_error


def policy_config(staging_domain, weight=0.1, **traffic):
    config = {
        "StagingDistributionDnsNames": {"Quantity": 1, "Items": [staging_domain]},
        "Enabled": True,
        "TrafficConfig": {"Type": "SingleWeight", "SingleWeightConfig": {
            "Weight": weight, "SessionStickinessConfig": {"IdleTTL": 300, "MaximumTTL": 600}}},
    }
    if traffic:
        config["TrafficConfig"] = traffic
    return config


def header_traffic(header="aws-cf-cd-staging", value="yes"):
    return {"Type": "SingleHeader", "SingleHeaderConfig": {"Header": header, "Value": value}}


def create_staging(cf, enabled=True):
    created = cf.create_distribution(DistributionConfig=u.dist_config(comment="staging", Staging=True,
                                                                      Enabled=enabled))
    return created["Distribution"]


def settle(url, dist_id):
    import requests
    requests.post(url + "/_emulator/settle", json={"id": dist_id}).raise_for_status()


def test_every_policy_operation(cf):
    staging = create_staging(cf)
    created = cf.create_continuous_deployment_policy(ContinuousDeploymentPolicyConfig=policy_config(
        staging["DomainName"]))
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    policy = created["ContinuousDeploymentPolicy"]
    policy_id = policy["Id"]
    assert created["Location"] == f"https://cloudfront.amazonaws.com/2020-05-31/continuous-deployment-policy/{policy_id}"
    assert u.ETAG_RE.match(created["ETag"])
    u.assert_recent(policy["LastModifiedTime"])
    config = policy["ContinuousDeploymentPolicyConfig"]
    assert config["StagingDistributionDnsNames"] == {"Quantity": 1, "Items": [staging["DomainName"]]}
    assert config["TrafficConfig"]["SingleWeightConfig"]["Weight"] == pytest.approx(0.1)

    got = cf.get_continuous_deployment_policy(Id=policy_id)
    assert got["ETag"] == created["ETag"]
    assert got["ContinuousDeploymentPolicy"]["ContinuousDeploymentPolicyConfig"] == config
    got_config = cf.get_continuous_deployment_policy_config(Id=policy_id)
    assert got_config["ETag"] == created["ETag"] and got_config["ContinuousDeploymentPolicyConfig"] == config

    changed = dict(config, TrafficConfig=header_traffic())
    with expect_error("InvalidIfMatchVersion", 400):
        cf.update_continuous_deployment_policy(Id=policy_id, IfMatch="", ContinuousDeploymentPolicyConfig=changed)
    updated = cf.update_continuous_deployment_policy(Id=policy_id, IfMatch=created["ETag"],
                                                     ContinuousDeploymentPolicyConfig=changed)
    assert updated["ETag"] != created["ETag"]
    assert updated["ContinuousDeploymentPolicy"]["ContinuousDeploymentPolicyConfig"]["TrafficConfig"] == \
        header_traffic()
    with expect_error("PreconditionFailed", 412):
        cf.update_continuous_deployment_policy(Id=policy_id, IfMatch=created["ETag"],
                                               ContinuousDeploymentPolicyConfig=config)

    listed = cf.list_continuous_deployment_policies()["ContinuousDeploymentPolicyList"]
    assert listed["Quantity"] == 1
    assert listed["Items"][0]["ContinuousDeploymentPolicy"]["Id"] == policy_id

    with expect_error("PreconditionFailed", 412):
        cf.delete_continuous_deployment_policy(Id=policy_id, IfMatch=created["ETag"])
    deleted = cf.delete_continuous_deployment_policy(Id=policy_id, IfMatch=updated["ETag"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with expect_error("NoSuchContinuousDeploymentPolicy", 404):
        cf.get_continuous_deployment_policy(Id=policy_id)
    with expect_error("NoSuchContinuousDeploymentPolicy", 404):
        cf.get_continuous_deployment_policy_config(Id=policy_id)
    with expect_error("NoSuchContinuousDeploymentPolicy", 404):
        cf.delete_continuous_deployment_policy(Id=policy_id, IfMatch=updated["ETag"])


def test_lists_page_with_marker_and_max_items(cf):
    ids = []
    for _ in range(3):
        staging = create_staging(cf)
        ids.append(cf.create_continuous_deployment_policy(ContinuousDeploymentPolicyConfig=policy_config(
            staging["DomainName"]))["ContinuousDeploymentPolicy"]["Id"])
    first = cf.list_continuous_deployment_policies(MaxItems="2")["ContinuousDeploymentPolicyList"]
    assert [p["ContinuousDeploymentPolicy"]["Id"] for p in first["Items"]] == ids[:2]
    assert first["NextMarker"] == ids[1]
    rest = cf.list_continuous_deployment_policies(Marker=first["NextMarker"])["ContinuousDeploymentPolicyList"]
    assert [p["ContinuousDeploymentPolicy"]["Id"] for p in rest["Items"]] == ids[2:]
    assert "NextMarker" not in rest


@pytest.mark.parametrize("traffic", [
    {"Type": "SingleWeight", "SingleWeightConfig": {"Weight": 0.16}},
    {"Type": "SingleWeight", "SingleWeightConfig": {"Weight": -0.01}},
    {"Type": "SingleWeight", "SingleWeightConfig": {
        "Weight": 0.1, "SessionStickinessConfig": {"IdleTTL": 299, "MaximumTTL": 600}}},
    {"Type": "SingleWeight", "SingleWeightConfig": {
        "Weight": 0.1, "SessionStickinessConfig": {"IdleTTL": 300, "MaximumTTL": 3601}}},
    {"Type": "SingleWeight", "SingleWeightConfig": {
        "Weight": 0.1, "SessionStickinessConfig": {"IdleTTL": 900, "MaximumTTL": 600}}},
    {"Type": "SingleWeight"},
    header_traffic(header="x-staging"),
    header_traffic(header="aws-cf-cd-"),
    {"Type": "SingleHeader", "SingleWeightConfig": {"Weight": 0.1},
     "SingleHeaderConfig": {"Header": "aws-cf-cd-a", "Value": "b"}},
], ids=["weight-high", "weight-negative", "idle-low", "maximum-high", "idle-above-maximum", "no-weight-config",
        "header-prefix", "header-empty-name", "two-configs"])
def test_traffic_rules(cf, traffic):
    staging = create_staging(cf)
    with expect_error("InvalidArgument", 400):
        cf.create_continuous_deployment_policy(ContinuousDeploymentPolicyConfig=policy_config(
            staging["DomainName"], **traffic))
    assert cf.list_continuous_deployment_policies()["ContinuousDeploymentPolicyList"]["Quantity"] == 0


def test_the_policy_names_one_existing_staging_distribution(cf):
    primary = cf.create_distribution(DistributionConfig=u.dist_config())["Distribution"]
    with expect_error("InvalidArgument", 400):  # not a staging distribution
        cf.create_continuous_deployment_policy(ContinuousDeploymentPolicyConfig=policy_config(primary["DomainName"]))
    with expect_error("InvalidArgument", 400):  # no such distribution
        cf.create_continuous_deployment_policy(ContinuousDeploymentPolicyConfig=policy_config(
            "d0000000000000.cloudfront.net"))
    staging = create_staging(cf)
    two = policy_config(staging["DomainName"])
    two["StagingDistributionDnsNames"] = {"Quantity": 2, "Items": [staging["DomainName"], primary["DomainName"]]}
    with expect_error("InvalidArgument", 400):
        cf.create_continuous_deployment_policy(ContinuousDeploymentPolicyConfig=two)
    cf.create_continuous_deployment_policy(ContinuousDeploymentPolicyConfig=policy_config(staging["DomainName"]))
    with expect_error("StagingDistributionInUse", 409):  # one policy per staging distribution
        cf.create_continuous_deployment_policy(ContinuousDeploymentPolicyConfig=policy_config(staging["DomainName"]))
    assert cf.list_continuous_deployment_policies()["ContinuousDeploymentPolicyList"]["Quantity"] == 1


def test_in_use_rules_in_both_directions(cf, url):
    staging = create_staging(cf)
    policy = cf.create_continuous_deployment_policy(ContinuousDeploymentPolicyConfig=policy_config(
        staging["DomainName"]))
    policy_id = policy["ContinuousDeploymentPolicy"]["Id"]

    # A primary names the policy; a second primary cannot.
    primary = cf.create_distribution(DistributionConfig=u.dist_config(ContinuousDeploymentPolicyId=policy_id))
    primary_id = primary["Distribution"]["Id"]
    with expect_error("ContinuousDeploymentPolicyInUse", 409):
        cf.create_distribution(DistributionConfig=u.dist_config(ContinuousDeploymentPolicyId=policy_id))
    with expect_error("NoSuchContinuousDeploymentPolicy", 404):
        cf.create_distribution(DistributionConfig=u.dist_config(
            ContinuousDeploymentPolicyId="00000000-0000-4000-8000-000000000000"))
    with expect_error("InvalidArgument", 400):  # continuous deployment does not take HTTP/3
        cf.create_distribution(DistributionConfig=u.dist_config(HttpVersion="http2and3",
                                                                ContinuousDeploymentPolicyId=policy_id))

    # The policy cannot be deleted while the primary names it; changing it renews the primary.
    with expect_error("ContinuousDeploymentPolicyInUse", 409):
        cf.delete_continuous_deployment_policy(Id=policy_id, IfMatch=policy["ETag"])
    settle(url, primary_id)
    config = policy["ContinuousDeploymentPolicy"]["ContinuousDeploymentPolicyConfig"]
    updated = cf.update_continuous_deployment_policy(Id=policy_id, IfMatch=policy["ETag"],
                                                     ContinuousDeploymentPolicyConfig=dict(config, Enabled=False))
    renewed = cf.get_distribution(Id=primary_id)
    assert renewed["ETag"] != primary["ETag"]
    assert renewed["Distribution"]["Status"] == "InProgress"

    # The staging distribution cannot be disabled (nor deleted) while the policy names it.
    staging_config = cf.get_distribution_config(Id=staging["Id"])
    with expect_error("StagingDistributionInUse", 409):
        cf.update_distribution(Id=staging["Id"], IfMatch=staging_config["ETag"],
                               DistributionConfig=dict(staging_config["DistributionConfig"], Enabled=False))
    assert cf.get_distribution_config(Id=staging["Id"])["ETag"] == staging_config["ETag"]
    comment_only = cf.update_distribution(Id=staging["Id"], IfMatch=staging_config["ETag"], DistributionConfig=dict(
        staging_config["DistributionConfig"], Comment="still enabled"))

    # Detach, then both go.
    current = cf.get_distribution_config(Id=primary_id)
    detached = dict(current["DistributionConfig"])
    detached.pop("ContinuousDeploymentPolicyId")
    cf.update_distribution(Id=primary_id, IfMatch=current["ETag"], DistributionConfig=detached)
    cf.delete_continuous_deployment_policy(Id=policy_id, IfMatch=updated["ETag"])
    disabled = cf.update_distribution(Id=staging["Id"], IfMatch=comment_only["ETag"], DistributionConfig=dict(
        comment_only["Distribution"]["DistributionConfig"], Enabled=False))
    settle(url, staging["Id"])
    cf.delete_distribution(Id=staging["Id"], IfMatch=disabled["ETag"])


def test_a_disabled_staging_distribution_named_by_a_policy_cannot_be_deleted(cf, url):
    staging = create_staging(cf, enabled=False)
    settle(url, staging["Id"])
    etag = cf.get_distribution(Id=staging["Id"])["ETag"]
    policy = cf.create_continuous_deployment_policy(ContinuousDeploymentPolicyConfig=policy_config(
        staging["DomainName"]))
    with expect_error("StagingDistributionInUse", 409):
        cf.delete_distribution(Id=staging["Id"], IfMatch=etag)
    cf.delete_continuous_deployment_policy(Id=policy["ContinuousDeploymentPolicy"]["Id"], IfMatch=policy["ETag"])
    cf.delete_distribution(Id=staging["Id"], IfMatch=etag)


def test_twenty_policies_per_account(cf):
    """Both quotas are 20 and each policy needs a staging distribution of its own, so a 21st policy
    first meets the staging quota."""
    stagings = [create_staging(cf) for _ in range(20)]
    for staging in stagings:
        cf.create_continuous_deployment_policy(ContinuousDeploymentPolicyConfig=policy_config(staging["DomainName"]))
    with expect_error("TooManyDistributions", 400):
        create_staging(cf)
    with expect_error("StagingDistributionInUse", 409):
        cf.create_continuous_deployment_policy(ContinuousDeploymentPolicyConfig=policy_config(
            stagings[0]["DomainName"]))
    assert cf.list_continuous_deployment_policies()["ContinuousDeploymentPolicyList"]["Quantity"] == 20


def test_copy_distribution_makes_a_staging_distribution(cfm):
    """Through the model copy: Debian's botocore does not know CopyDistribution's Enabled."""
    cf = cfm
    primary = cf.create_distribution(DistributionConfig=u.dist_config(comment="primary", **u.with_aliases(
        f"www.{u.unique_ref('copy')[-8:]}.example.com")))
    primary_id, etag = primary["Distribution"]["Id"], primary["ETag"]
    reference = u.unique_ref("staging")
    with expect_error("InvalidIfMatchVersion", 400):
        cf.copy_distribution(PrimaryDistributionId=primary_id, Staging=True, CallerReference=reference)
    with expect_error("PreconditionFailed", 412):
        cf.copy_distribution(PrimaryDistributionId=primary_id, Staging=True, IfMatch="ESTALE",
                             CallerReference=reference)
    with expect_error("InvalidArgument", 400):
        cf.copy_distribution(PrimaryDistributionId=primary_id, Staging=False, IfMatch=etag, CallerReference=reference)
    with expect_error("NoSuchDistribution", 404):
        cf.copy_distribution(PrimaryDistributionId="E0000000000000", Staging=True, IfMatch=etag,
                             CallerReference=reference)
    assert cf.list_distributions()["DistributionList"]["Quantity"] == 1

    copied = cf.copy_distribution(PrimaryDistributionId=primary_id, Staging=True, IfMatch=etag,
                                  CallerReference=reference, Enabled=False)
    assert copied["ResponseMetadata"]["HTTPStatusCode"] == 201
    staging = copied["Distribution"]
    assert staging["Id"] != primary_id and staging["DomainName"] != primary["Distribution"]["DomainName"]
    assert copied["Location"].endswith(f"/2020-05-31/distribution/{staging['Id']}")
    assert staging["Status"] == "InProgress"
    config = staging["DistributionConfig"]
    assert config["Staging"] is True and config["Enabled"] is False and config["CallerReference"] == reference
    assert config["Aliases"] == {"Quantity": 0}, "a staging distribution serves no alias"
    assert config["Comment"] == "primary" and config["Origins"] == primary["Distribution"]["DistributionConfig"]["Origins"]
    with expect_error("DistributionAlreadyExists", 409):
        cf.copy_distribution(PrimaryDistributionId=primary_id, Staging=True, IfMatch=etag, CallerReference=reference)
    with expect_error("InvalidArgument", 400):  # a staging distribution is not copied again
        cf.copy_distribution(PrimaryDistributionId=staging["Id"], Staging=True, IfMatch=copied["ETag"],
                             CallerReference=u.unique_ref("again"))
    # The primary did not change.
    assert cf.get_distribution_config(Id=primary_id)["ETag"] == etag


def test_twenty_staging_distributions_per_account_even_when_copies_race(cfm):
    """Developer guide's quota: 20 staging distributions per account. Copies sent together: the store
    counts them inside each copy's transaction, so exactly 20 win."""
    from concurrent.futures import ThreadPoolExecutor
    cf = cfm
    primary = cf.create_distribution(DistributionConfig=u.dist_config(comment="primary"))
    primary_id, etag = primary["Distribution"]["Id"], primary["ETag"]

    def copy(n):
        try:
            cf.copy_distribution(PrimaryDistributionId=primary_id, Staging=True, IfMatch=etag,
                                 CallerReference=u.unique_ref(f"race{n}"))
            return "copied"
        except cf.exceptions.TooManyDistributions as error:
            assert "maximum of 20 staging distributions" in error.response["Error"]["Message"]
            return "refused"

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(copy, range(24)))
    assert outcomes.count("copied") == 20 and outcomes.count("refused") == 4
    listed = cf.list_distributions()["DistributionList"]["Items"]
    assert sum(1 for d in listed if d["Staging"]) == 20
    # A staging distribution made by CreateDistribution counts too; a distribution that is not one does not.
    with expect_error("TooManyDistributions", 400):
        create_staging(cf)
    cf.create_distribution(DistributionConfig=u.dist_config(comment="not staging"))
    assert cf.list_distributions()["DistributionList"]["Quantity"] == 22


def test_promotion_needs_the_policy_between_them(cf):
    primary = cf.create_distribution(DistributionConfig=u.dist_config())
    staging = create_staging(cf)
    staging_etag = cf.get_distribution(Id=staging["Id"])["ETag"]
    both = f"{primary['ETag']},{staging_etag}"
    with expect_error("InvalidArgument", 400):  # the primary has no policy
        cf.update_distribution_with_staging_config(Id=primary["Distribution"]["Id"],
                                                   StagingDistributionId=staging["Id"], IfMatch=both)
    with expect_error("NoSuchDistribution", 404):
        cf.update_distribution_with_staging_config(Id=primary["Distribution"]["Id"],
                                                   StagingDistributionId="E0000000000000", IfMatch=both)
    assert cf.get_distribution(Id=primary["Distribution"]["Id"])["ETag"] == primary["ETag"]
