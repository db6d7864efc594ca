"""Real-time log configs with boto3 (Debian's knows these operations): every operation, by Name and
by ARN, no ETags, their limits, and the in-use rules with the cache behaviors that send to them."""

import pytest

import e2e_util as u
from e2e_util import expect_error

FIELDS = ["timestamp", "c-ip", "sc-status", "cs-uri-stem"]


def endpoint(account="123456789012", stream="logs"):
    return {"StreamType": "Kinesis", "KinesisStreamConfig": {
        "RoleARN": f"arn:aws:iam::{account}:role/cloudfront-realtime",
        "StreamARN": f"arn:aws:kinesis:us-east-1:{account}:stream/{stream}"}}


def create(cf, name=None, **overrides):
    params = {"EndPoints": [endpoint()], "Fields": FIELDS, "Name": name or u.unique_ref("rt")[:40],
              "SamplingRate": 10, **overrides}
    return cf.create_realtime_log_config(**params)["RealtimeLogConfig"]


def sending_to(arn, **overrides):
    cfg = u.dist_config(**overrides)
    cfg["DefaultCacheBehavior"]["RealtimeLogConfigArn"] = arn
    return cfg


def test_every_operation_by_name_and_by_arn(cf, account):
    config = create(cf, name="site-logs")
    arn = f"arn:aws:cloudfront::{account}:realtime-log-config/site-logs"
    assert config == {"ARN": arn, "Name": "site-logs", "SamplingRate": 10, "EndPoints": [endpoint()],
                      "Fields": FIELDS}
    assert cf.get_realtime_log_config(Name="site-logs")["RealtimeLogConfig"] == config
    assert cf.get_realtime_log_config(ARN=arn)["RealtimeLogConfig"] == config
    with expect_error("RealtimeLogConfigAlreadyExists", 409):
        create(cf, name="site-logs")

    updated = cf.update_realtime_log_config(ARN=arn, SamplingRate=50, Fields=["timestamp"],
                                            EndPoints=[endpoint(stream="other")])["RealtimeLogConfig"]
    assert updated["SamplingRate"] == 50 and updated["Name"] == "site-logs" and updated["ARN"] == arn
    assert cf.get_realtime_log_config(Name="site-logs")["RealtimeLogConfig"] == updated

    second = create(cf, name="api-logs")
    first_page = cf.list_realtime_log_configs(MaxItems="1")["RealtimeLogConfigs"]
    assert [c["Name"] for c in first_page["Items"]] == ["site-logs"]
    assert first_page["IsTruncated"] is True and first_page["NextMarker"] == "site-logs"
    rest = cf.list_realtime_log_configs(Marker=first_page["NextMarker"])["RealtimeLogConfigs"]
    assert [c["Name"] for c in rest["Items"]] == ["api-logs"] and rest["IsTruncated"] is False

    cf.delete_realtime_log_config(ARN=second["ARN"])
    cf.delete_realtime_log_config(Name="site-logs")
    for call in (lambda: cf.get_realtime_log_config(Name="site-logs"),
                 lambda: cf.delete_realtime_log_config(Name="site-logs"),
                 lambda: cf.update_realtime_log_config(Name="site-logs", SamplingRate=5)):
        with expect_error("NoSuchRealtimeLogConfig", 404):
            call()


@pytest.mark.parametrize("overrides", [
    {"SamplingRate": 0}, {"SamplingRate": 101}, {"Fields": ["not-a-field"]}, {"Fields": []},
    {"EndPoints": []}, {"EndPoints": [{"StreamType": "Kinesis", "KinesisStreamConfig": {
        "RoleARN": "role", "StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/logs"}}]},
    {"Name": "has spaces"},
], ids=["rate-low", "rate-high", "field", "no-fields", "no-endpoints", "role-arn", "name"])
def test_config_rules(cf, overrides):
    with expect_error("InvalidArgument", 400):
        create(cf, **overrides)
    assert cf.list_realtime_log_configs()["RealtimeLogConfigs"].get("Items", []) == []


def test_name_and_arn_must_agree(cf, account):
    create(cf, name="one")
    with expect_error("InvalidArgument", 400):
        cf.get_realtime_log_config(Name="one", ARN=f"arn:aws:cloudfront::{account}:realtime-log-config/two")
    with expect_error("InvalidArgument", 400):
        cf.get_realtime_log_config(ARN="arn:aws:cloudfront::123:distribution/one")
    with expect_error("InvalidArgument", 400):
        cf.get_realtime_log_config()


def test_in_use_by_cache_behaviors_both_ways(cf, account):
    config = create(cf)
    dist = cf.create_distribution(DistributionConfig=sending_to(config["ARN"]))["Distribution"]
    assert dist["DistributionConfig"]["DefaultCacheBehavior"]["RealtimeLogConfigArn"] == config["ARN"]
    cf.create_distribution(DistributionConfig=u.dist_config())  # not sending to it
    listed = cf.list_distributions_by_realtime_log_config(RealtimeLogConfigName=config["Name"])["DistributionList"]
    assert [d["Id"] for d in listed["Items"]] == [dist["Id"]]
    by_arn = cf.list_distributions_by_realtime_log_config(RealtimeLogConfigArn=config["ARN"])["DistributionList"]
    assert [d["Id"] for d in by_arn["Items"]] == [dist["Id"]]
    with expect_error("InvalidArgument", 400):
        cf.list_distributions_by_realtime_log_config(RealtimeLogConfigName="nothing-here")

    with expect_error("RealtimeLogConfigInUse", 400):
        cf.delete_realtime_log_config(Name=config["Name"])
    missing = f"arn:aws:cloudfront::{account}:realtime-log-config/missing"
    with expect_error("NoSuchRealtimeLogConfig", 404):
        cf.create_distribution(DistributionConfig=sending_to(missing))
    with expect_error("RealtimeLogConfigOwnerMismatch", 401):
        cf.create_distribution(DistributionConfig=sending_to(
            "arn:aws:cloudfront::999999999999:realtime-log-config/theirs"))

    current = cf.get_distribution_config(Id=dist["Id"])
    stopped = current["DistributionConfig"]
    stopped["DefaultCacheBehavior"].pop("RealtimeLogConfigArn")
    cf.update_distribution(Id=dist["Id"], IfMatch=current["ETag"], DistributionConfig=stopped)
    cf.delete_realtime_log_config(Name=config["Name"])
