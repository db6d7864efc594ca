"""The operations of issue 14 that the AWS CLI v2 from Debian (2.9) knows, in subprocesses: continuous
deployment (policies, copy, promotion), field-level encryption, monitoring subscriptions, real-time
log configs, conflicting aliases and AssociateAlias, distributions by web ACL."""

import e2e_util as u
from test_awscli import aws, assert_cli_error, cli_emulator  # noqa: F401 (fixtures)
from test_key_groups import PEM_1

ITEMS = lambda values: {"Quantity": len(values), "Items": values}  # noqa: E731
WEB_ACL = "473e64fd-f30b-4765-81a0-62ad96dd167a"  # a WAF Classic id


def test_cli_continuous_deployment(aws):
    primary = aws("create-distribution", "--distribution-config", aws.write("p.json", u.dist_config()))
    staging = aws("copy-distribution", "--primary-distribution-id", primary["Distribution"]["Id"], "--staging",
                  "--if-match", primary["ETag"], "--caller-reference", u.unique_ref("cli-copy"))
    assert staging["Distribution"]["DistributionConfig"]["Staging"] is True
    config = {"StagingDistributionDnsNames": ITEMS([staging["Distribution"]["DomainName"]]), "Enabled": True,
              "TrafficConfig": {"Type": "SingleHeader",
                                "SingleHeaderConfig": {"Header": "aws-cf-cd-test", "Value": "1"}}}
    created = aws("create-continuous-deployment-policy", "--continuous-deployment-policy-config",
                  aws.write("cdp.json", config))
    policy_id = created["ContinuousDeploymentPolicy"]["Id"]
    assert aws("get-continuous-deployment-policy", "--id", policy_id)["ETag"] == created["ETag"]
    got = aws("get-continuous-deployment-policy-config", "--id", policy_id)
    assert got["ContinuousDeploymentPolicyConfig"] == config
    updated = aws("update-continuous-deployment-policy", "--id", policy_id, "--if-match", created["ETag"],
                  "--continuous-deployment-policy-config", aws.write("cdp2.json", dict(config, Enabled=False)))
    listed = aws("list-continuous-deployment-policies")["ContinuousDeploymentPolicyList"]
    assert [p["ContinuousDeploymentPolicy"]["Id"] for p in listed["Items"]] == [policy_id]

    current = aws("get-distribution-config", "--id", primary["Distribution"]["Id"])
    attached = aws("update-distribution", "--id", primary["Distribution"]["Id"], "--if-match", current["ETag"],
                   "--distribution-config", aws.write("attach.json", dict(
                       current["DistributionConfig"], ContinuousDeploymentPolicyId=policy_id)))
    assert_cli_error(aws("delete-continuous-deployment-policy", "--id", policy_id, "--if-match", updated["ETag"],
                         ok=False), "ContinuousDeploymentPolicyInUse")
    promoted = aws("update-distribution-with-staging-config", "--id", primary["Distribution"]["Id"],
                   "--staging-distribution-id", staging["Distribution"]["Id"],
                   "--if-match", f"{attached['ETag']}, {staging['ETag']}")
    assert promoted["Distribution"]["DistributionConfig"]["ContinuousDeploymentPolicyId"] == policy_id

    detached = dict(promoted["Distribution"]["DistributionConfig"])
    detached.pop("ContinuousDeploymentPolicyId")
    aws("update-distribution", "--id", primary["Distribution"]["Id"], "--if-match", promoted["ETag"],
        "--distribution-config", aws.write("detach.json", detached))
    policy_now = aws("get-continuous-deployment-policy", "--id", policy_id)
    assert aws("delete-continuous-deployment-policy", "--id", policy_id, "--if-match", policy_now["ETag"]) is None


def test_cli_field_level_encryption_and_monitoring(aws):
    key = aws("create-public-key", "--public-key-config", aws.write("k.json", {
        "CallerReference": u.unique_ref("k"), "Name": "cli-key", "EncodedKey": PEM_1}))["PublicKey"]["Id"]
    profile_config = {"Name": "cli-profile", "CallerReference": u.unique_ref("p"), "EncryptionEntities": ITEMS([
        {"PublicKeyId": key, "ProviderId": "p", "FieldPatterns": ITEMS(["card"])}])}
    profile = aws("create-field-level-encryption-profile", "--field-level-encryption-profile-config",
                  aws.write("p.json", profile_config))
    profile_id = profile["FieldLevelEncryptionProfile"]["Id"]
    assert aws("get-field-level-encryption-profile", "--id", profile_id)["ETag"] == profile["ETag"]
    assert aws("get-field-level-encryption-profile-config", "--id", profile_id)[
        "FieldLevelEncryptionProfileConfig"] == profile_config
    profile2 = aws("update-field-level-encryption-profile", "--id", profile_id, "--if-match", profile["ETag"],
                   "--field-level-encryption-profile-config", aws.write("p2.json", dict(profile_config, Comment="x")))
    assert aws("list-field-level-encryption-profiles")["FieldLevelEncryptionProfileList"]["Quantity"] == 1

    config = {"CallerReference": u.unique_ref("c"), "QueryArgProfileConfig": {
        "ForwardWhenQueryArgProfileIsUnknown": True,
        "QueryArgProfiles": ITEMS([{"QueryArg": "p", "ProfileId": profile_id}])}}
    created = aws("create-field-level-encryption-config", "--field-level-encryption-config", aws.write("c.json", config))
    config_id = created["FieldLevelEncryption"]["Id"]
    assert aws("get-field-level-encryption", "--id", config_id)["ETag"] == created["ETag"]
    assert aws("get-field-level-encryption-config", "--id", config_id)["FieldLevelEncryptionConfig"] == config
    updated = aws("update-field-level-encryption-config", "--id", config_id, "--if-match", created["ETag"],
                  "--field-level-encryption-config", aws.write("c2.json", dict(config, Comment="x")))
    assert aws("list-field-level-encryption-configs")["FieldLevelEncryptionList"]["Quantity"] == 1
    assert_cli_error(aws("delete-field-level-encryption-profile", "--id", profile_id, "--if-match", profile2["ETag"],
                         ok=False), "FieldLevelEncryptionProfileInUse")
    assert aws("delete-field-level-encryption-config", "--id", config_id, "--if-match", updated["ETag"]) is None
    assert aws("delete-field-level-encryption-profile", "--id", profile_id, "--if-match", profile2["ETag"]) is None

    dist = aws("create-distribution", "--distribution-config", aws.write("d.json", u.dist_config()))
    dist_id = dist["Distribution"]["Id"]
    subscription = {"RealtimeMetricsSubscriptionConfig": {"RealtimeMetricsSubscriptionStatus": "Enabled"}}
    aws("create-monitoring-subscription", "--distribution-id", dist_id, "--monitoring-subscription",
        aws.write("m.json", subscription))
    assert aws("get-monitoring-subscription", "--distribution-id", dist_id)["MonitoringSubscription"] == subscription
    aws("delete-monitoring-subscription", "--distribution-id", dist_id)
    assert_cli_error(aws("get-monitoring-subscription", "--distribution-id", dist_id, ok=False),
                     "NoSuchMonitoringSubscription")


def test_cli_realtime_logs(aws):
    endpoint = {"StreamType": "Kinesis", "KinesisStreamConfig": {
        "RoleARN": "arn:aws:iam::123456789012:role/r", "StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/s"}}
    created = aws("create-realtime-log-config", "--name", "cli-logs", "--sampling-rate", "20", "--fields", "timestamp",
                  "c-ip", "--end-points", aws.write("e.json", [endpoint]))["RealtimeLogConfig"]
    assert created["Fields"] == ["timestamp", "c-ip"]
    assert aws("get-realtime-log-config", "--arn", created["ARN"])["RealtimeLogConfig"] == created
    # An update replaces the whole configuration: a sampling rate alone is refused, the full set is taken.
    assert_cli_error(aws("update-realtime-log-config", "--name", "cli-logs", "--sampling-rate", "30", ok=False),
                     "InvalidArgument")
    updated = aws("update-realtime-log-config", "--name", "cli-logs", "--sampling-rate", "30", "--fields",
                  "timestamp", "--end-points", aws.write("e2.json", [endpoint]))["RealtimeLogConfig"]
    assert updated["SamplingRate"] == 30 and updated["Fields"] == ["timestamp"]
    assert [c["Name"] for c in aws("list-realtime-log-configs")["RealtimeLogConfigs"]["Items"]] == ["cli-logs"]
    cfg = u.dist_config()
    cfg["DefaultCacheBehavior"]["RealtimeLogConfigArn"] = created["ARN"]
    dist = aws("create-distribution", "--distribution-config", aws.write("d.json", cfg))["Distribution"]
    listed = aws("list-distributions-by-realtime-log-config", "--realtime-log-config-name", "cli-logs")
    assert [d["Id"] for d in listed["DistributionList"]["Items"]] == [dist["Id"]]
    assert_cli_error(aws("delete-realtime-log-config", "--name", "cli-logs", ok=False), "RealtimeLogConfigInUse")


def test_cli_aliases_and_web_acls(aws):
    alias = f"www.{u.unique_ref('cli')[-10:]}.example.com"
    holder = aws("create-distribution", "--distribution-config", aws.write("h.json", u.dist_config(
        **u.with_aliases(alias))))
    target = aws("create-distribution", "--distribution-config", aws.write("t.json", u.dist_config(
        ViewerCertificate=u.ACM_CERTIFICATE, WebACLId=WEB_ACL)))
    conflicts = aws("list-conflicting-aliases", "--distribution-id", target["Distribution"]["Id"], "--alias", alias)
    assert [c["Alias"] for c in conflicts["ConflictingAliasesList"]["Items"]] == [alias]
    aws("associate-alias", "--target-distribution-id", target["Distribution"]["Id"], "--alias", alias)
    moved = aws("get-distribution-config", "--id", target["Distribution"]["Id"])["DistributionConfig"]
    assert moved["Aliases"]["Items"] == [alias]
    assert aws("get-distribution-config", "--id", holder["Distribution"]["Id"])["DistributionConfig"][
        "Aliases"] == {"Quantity": 0}
    listed = aws("list-distributions-by-web-acl-id", "--web-acl-id", WEB_ACL)["DistributionList"]
    assert [d["Id"] for d in listed["Items"]] == [target["Distribution"]["Id"]]
    assert_cli_error(aws("list-distributions-by-web-acl-id", "--web-acl-id", "nope", ok=False), "InvalidWebACLId")
