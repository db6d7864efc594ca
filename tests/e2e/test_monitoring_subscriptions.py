"""A distribution's monitoring subscription with boto3: create, get, delete; one per distribution;
NoSuchDistribution before NoSuchMonitoringSubscription; gone with its distribution."""

import requests

import e2e_util as u
from e2e_util import expect_error

ENABLED = {"RealtimeMetricsSubscriptionConfig": {"RealtimeMetricsSubscriptionStatus": "Enabled"}}


def test_create_get_delete(cf):
    dist = cf.create_distribution(DistributionConfig=u.dist_config())["Distribution"]
    with expect_error("NoSuchMonitoringSubscription", 404):
        cf.get_monitoring_subscription(DistributionId=dist["Id"])
    created = cf.create_monitoring_subscription(DistributionId=dist["Id"], MonitoringSubscription=ENABLED)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert created["MonitoringSubscription"] == ENABLED
    assert cf.get_monitoring_subscription(DistributionId=dist["Id"])["MonitoringSubscription"] == ENABLED
    with expect_error("MonitoringSubscriptionAlreadyExists", 409):
        cf.create_monitoring_subscription(DistributionId=dist["Id"], MonitoringSubscription={
            "RealtimeMetricsSubscriptionConfig": {"RealtimeMetricsSubscriptionStatus": "Disabled"}})
    assert cf.get_monitoring_subscription(DistributionId=dist["Id"])["MonitoringSubscription"] == ENABLED
    # A distribution's subscription does not change its ETag.
    assert cf.get_distribution(Id=dist["Id"])["ETag"] == cf.get_distribution_config(Id=dist["Id"])["ETag"]
    deleted = cf.delete_monitoring_subscription(DistributionId=dist["Id"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 200
    with expect_error("NoSuchMonitoringSubscription", 404):
        cf.delete_monitoring_subscription(DistributionId=dist["Id"])
    with expect_error("NoSuchMonitoringSubscription", 404):
        cf.get_monitoring_subscription(DistributionId=dist["Id"])


def test_unknown_distribution(cf):
    for call in (lambda: cf.create_monitoring_subscription(DistributionId="E0000000000000",
                                                           MonitoringSubscription=ENABLED),
                 lambda: cf.get_monitoring_subscription(DistributionId="E0000000000000"),
                 lambda: cf.delete_monitoring_subscription(DistributionId="E0000000000000")):
        with expect_error("NoSuchDistribution", 404):
            call()


def test_it_goes_with_its_distribution(cf, url):
    cfg = u.dist_config(Enabled=False)
    created = cf.create_distribution(DistributionConfig=cfg)
    dist_id = created["Distribution"]["Id"]
    cf.create_monitoring_subscription(DistributionId=dist_id, MonitoringSubscription=ENABLED)
    requests.post(url + "/_emulator/settle", json={"id": dist_id}).raise_for_status()
    cf.delete_distribution(Id=dist_id, IfMatch=created["ETag"])
    with expect_error("NoSuchDistribution", 404):
        cf.get_monitoring_subscription(DistributionId=dist_id)
    # A new distribution never sees an old subscription.
    again = cf.create_distribution(DistributionConfig=u.dist_config())["Distribution"]["Id"]
    with expect_error("NoSuchMonitoringSubscription", 404):
        cf.get_monitoring_subscription(DistributionId=again)
