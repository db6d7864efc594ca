"""Snapshots and fixtures carry the kinds of issue 14: continuous deployment policies, staging
distributions, field-level encryption profiles and configs, monitoring subscriptions, VPC origins
(with a resource policy) and real-time log configs survive export, reset and import with every answer
the same, references and in-use rules included; XML fixtures load them."""

import json

import requests

import e2e_util as u
from e2e_util import expect_error
from test_key_groups import PEM_1

ITEMS = lambda values: {"Quantity": len(values), "Items": values}  # noqa: E731


def control(em, method, path, body=None):
    r = requests.request(method, em.url + "/_emulator" + path,
                         data=None if body is None else json.dumps(body), timeout=10)
    assert r.status_code == 200, (method, path, r.status_code, r.text[:500])
    return r.json()


def strip(response):
    response = dict(response)
    response.pop("ResponseMetadata")
    return response


def build_state(cf, cfm):
    staging = cf.create_distribution(DistributionConfig=u.dist_config(Staging=True))["Distribution"]
    policy = cf.create_continuous_deployment_policy(ContinuousDeploymentPolicyConfig={
        "StagingDistributionDnsNames": ITEMS([staging["DomainName"]]), "Enabled": True,
        "TrafficConfig": {"Type": "SingleWeight", "SingleWeightConfig": {"Weight": 0.1}}})
    policy_id = policy["ContinuousDeploymentPolicy"]["Id"]
    key = cf.create_public_key(PublicKeyConfig={"CallerReference": u.unique_ref("k"), "Name": "fle-key",
                                                "EncodedKey": PEM_1})["PublicKey"]["Id"]
    profile = cf.create_field_level_encryption_profile(FieldLevelEncryptionProfileConfig={
        "Name": "pii", "CallerReference": u.unique_ref("p"), "EncryptionEntities": ITEMS([
            {"PublicKeyId": key, "ProviderId": "p", "FieldPatterns": ITEMS(["card"])}])})
    profile_id = profile["FieldLevelEncryptionProfile"]["Id"]
    fle = cf.create_field_level_encryption_config(FieldLevelEncryptionConfig={
        "CallerReference": u.unique_ref("c"), "ContentTypeProfileConfig": {
            "ForwardWhenContentTypeIsUnknown": True, "ContentTypeProfiles": ITEMS([
                {"Format": "URLEncoded", "ProfileId": profile_id,
                 "ContentType": "application/x-www-form-urlencoded"}])}})["FieldLevelEncryption"]["Id"]
    vpc = cfm.create_vpc_origin(VpcOriginEndpointConfig={
        "Name": "api", "HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only",
        "Arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/api/0123456789abcdef"})
    vpc_id, vpc_arn = vpc["VpcOrigin"]["Id"], vpc["VpcOrigin"]["Arn"]
    cfm.put_resource_policy(ResourceArn=vpc_arn, PolicyDocument=json.dumps({"Version": "2012-10-17",
                                                                            "Statement": []}))
    logs = cf.create_realtime_log_config(Name="logs", SamplingRate=5, Fields=["timestamp"], EndPoints=[{
        "StreamType": "Kinesis", "KinesisStreamConfig": {
            "RoleARN": "arn:aws:iam::123456789012:role/r", "StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/s"}}])
    cfg = u.dist_config(ContinuousDeploymentPolicyId=policy_id)
    cfg["DefaultCacheBehavior"].update(
        FieldLevelEncryptionId=fle, RealtimeLogConfigArn=logs["RealtimeLogConfig"]["ARN"],
        ViewerProtocolPolicy="https-only",
        AllowedMethods={**ITEMS(["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]),
                        "CachedMethods": ITEMS(["GET", "HEAD"])})
    cfg["Origins"]["Items"].append({"Id": "vpc", "DomainName": "api.internal", "VpcOriginConfig": {"VpcOriginId": vpc_id}})
    cfg["Origins"]["Quantity"] = 2
    primary = cfm.create_distribution(DistributionConfig=cfg)["Distribution"]["Id"]  # VpcOriginConfig
    cf.create_monitoring_subscription(DistributionId=primary, MonitoringSubscription={
        "RealtimeMetricsSubscriptionConfig": {"RealtimeMetricsSubscriptionStatus": "Enabled"}})
    return {"staging": staging["Id"], "primary": primary, "policy": policy_id, "profile": profile_id, "fle": fle,
            "vpc": vpc_id, "vpc_arn": vpc_arn, "key": key}


def answers(cf, cfm, ids):
    return {
        "policy": strip(cf.get_continuous_deployment_policy(Id=ids["policy"])),
        "policies": strip(cf.list_continuous_deployment_policies()),
        "primary": strip(cfm.get_distribution(Id=ids["primary"])),
        "staging": strip(cf.get_distribution(Id=ids["staging"])),
        "profile": strip(cf.get_field_level_encryption_profile(Id=ids["profile"])),
        "fle": strip(cf.get_field_level_encryption(Id=ids["fle"])),
        "fles": strip(cf.list_field_level_encryption_configs()),
        "monitoring": strip(cf.get_monitoring_subscription(DistributionId=ids["primary"])),
        "vpc": strip(cfm.get_vpc_origin(Id=ids["vpc"])),
        "vpc_policy": strip(cfm.get_resource_policy(ResourceArn=ids["vpc_arn"])),
        "logs": strip(cf.list_realtime_log_configs()),
    }


def test_snapshot_round_trip_of_the_new_kinds(start_emulator, new_account):
    em = start_emulator("--propagation-delay", "3600")
    account = new_account()
    cf, cfm = u.make_client(em.url, account), u.make_model_client(em.url, account)
    ids = build_state(cf, cfm)
    before = answers(cf, cfm, ids)
    snapshot = control(em, "GET", "/state")
    control(em, "POST", "/reset", {})
    with expect_error("NoSuchContinuousDeploymentPolicy", 404):
        cf.get_continuous_deployment_policy(Id=ids["policy"])
    r = requests.put(em.url + "/_emulator/state", data=json.dumps(snapshot), timeout=10)
    assert r.status_code == 200, r.text
    assert answers(cf, cfm, ids) == before
    # The rules hold on imported state: the policy, the profile, the key and the VPC origin are in use.
    with expect_error("ContinuousDeploymentPolicyInUse", 409):
        cf.delete_continuous_deployment_policy(Id=ids["policy"], IfMatch=before["policy"]["ETag"])
    with expect_error("FieldLevelEncryptionProfileInUse", 409):
        cf.delete_field_level_encryption_profile(Id=ids["profile"], IfMatch=before["profile"]["ETag"])
    with expect_error("CannotDeleteEntityWhileInUse", 409):
        cfm.delete_vpc_origin(Id=ids["vpc"], IfMatch=before["vpc"]["ETag"])
    staging = cf.get_distribution_config(Id=ids["staging"])
    with expect_error("StagingDistributionInUse", 409):
        cf.update_distribution(Id=ids["staging"], IfMatch=staging["ETag"],
                               DistributionConfig=dict(staging["DistributionConfig"], Enabled=False))


def test_xml_fixtures_of_the_new_kinds(start_emulator, tmp_path):
    key_id = "K2FIXTUREKEY01"
    (tmp_path / "10-key.xml").write_text(
        f'<Fixture id="{key_id}"><PublicKeyConfig xmlns="{u.NS}"><CallerReference>fixture-key</CallerReference>'
        f"<Name>fixture-key</Name><EncodedKey>{PEM_1}</EncodedKey></PublicKeyConfig></Fixture>")
    (tmp_path / "20-profile.xml").write_text(
        f'<Fixture id="P2FIXTUREPROF1"><FieldLevelEncryptionProfileConfig xmlns="{u.NS}">'
        "<Name>fixture-profile</Name><CallerReference>fixture-profile</CallerReference>"
        "<EncryptionEntities><Quantity>1</Quantity><Items><EncryptionEntity>"
        f"<PublicKeyId>{key_id}</PublicKeyId><ProviderId>p</ProviderId>"
        "<FieldPatterns><Quantity>1</Quantity><Items><FieldPattern>card</FieldPattern></Items></FieldPatterns>"
        "</EncryptionEntity></Items></EncryptionEntities></FieldLevelEncryptionProfileConfig></Fixture>")
    em = start_emulator("--fixtures", str(tmp_path))
    cf = u.make_client(em.url, u.DEFAULT_ACCOUNT)
    profile = cf.get_field_level_encryption_profile(Id="P2FIXTUREPROF1")["FieldLevelEncryptionProfile"]
    assert profile["FieldLevelEncryptionProfileConfig"]["EncryptionEntities"]["Items"][0]["PublicKeyId"] == key_id
    with expect_error("PublicKeyInUse", 409):
        cf.delete_public_key(Id=key_id, IfMatch=cf.get_public_key(Id=key_id)["ETag"])
