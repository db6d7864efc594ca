"""The README's example for the pytest plugin, verbatim (test_helpers.py checks that it is).
Run alone: PYTHONPATH=tests/helpers/python pytest -p pytest_cloudfront_local THIS_FILE"""

import pytest

CONFIG = {
    "CallerReference": "example-site", "Comment": "my site", "Enabled": True,
    "Origins": {"Quantity": 1, "Items": [{"Id": "s3", "DomainName": "my-bucket.s3.amazonaws.com",
                                          "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
    "DefaultCacheBehavior": {"TargetOriginId": "s3", "ViewerProtocolPolicy": "redirect-to-https",
                             "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
}


def disable(cf, dist_id):
    current = cf.get_distribution_config(Id=dist_id)
    config = current["DistributionConfig"] | {"Enabled": False}
    return cf.update_distribution(Id=dist_id, IfMatch=current["ETag"], DistributionConfig=config)["ETag"]


def test_delete_survives_a_concurrent_change(cloudfront_local, cloudfront_client, cloudfront_account):
    cf = cloudfront_client                         # boto3, acting for this test's own account
    dist_id = cf.create_distribution(DistributionConfig=CONFIG)["Distribution"]["Id"]
    cloudfront_local.settle(id=dist_id)                        # Deployed now, no waiting
    etag = disable(cf, dist_id)
    cloudfront_local.touch(dist_id, comment="someone else")    # another actor: a new ETag
    with pytest.raises(cf.exceptions.PreconditionFailed):
        cf.delete_distribution(Id=dist_id, IfMatch=etag)
    etag = disable(cf, dist_id)                                # re-read, disable again
    cloudfront_local.settle(id=dist_id)                        # propagation has passed
    cf.get_waiter("distribution_deployed").wait(Id=dist_id, WaiterConfig={"Delay": 1})
    cf.delete_distribution(Id=dist_id, IfMatch=etag)

    calls = cloudfront_local.requests(account=cloudfront_account, operation="DeleteDistribution")
    assert [call["status"] for call in calls] == [204, 412]   # newest first


def test_an_injected_fault_answers_like_cloudfront(cloudfront_local, cloudfront_client, cloudfront_account):
    cloudfront_local.add_fault("ListDistributions", error="AccessDenied", account=cloudfront_account)
    with pytest.raises(cloudfront_client.exceptions.AccessDenied):
        cloudfront_client.list_distributions()
    assert cloudfront_client.list_distributions()["DistributionList"]["Quantity"] == 0
