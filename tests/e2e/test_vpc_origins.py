"""VPC origins and resource policies with boto3 on the repository's model copy (Debian's botocore does
not know them): every operation, Deploying → Deployed on the clock, ETags, tags, the distributions
that use one (both lists) and the in-use rule, and resource policies on them."""

import json

import pytest
import requests

import e2e_util as u
from e2e_util import expect_error

ALB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/internal-api/0123456789abcdef"


def endpoint_config(name=None, arn=ALB, **overrides):
    return {"Name": name or u.unique_ref("vpc")[:40], "Arn": arn, "HTTPPort": 80, "HTTPSPort": 443,
            "OriginProtocolPolicy": "https-only", **overrides}


def using(vpc_origin_id, **overrides):
    cfg = u.dist_config(**overrides)
    cfg["Origins"]["Items"][0] = {"Id": "my-bucket-origin", "DomainName": "internal-api.example.com",
                                  "VpcOriginConfig": {"VpcOriginId": vpc_origin_id}}
    return cfg


def settle(url, resource_id):
    requests.post(url + "/_emulator/settle", json={"id": resource_id}).raise_for_status()


def test_every_operation(cfm, url, account):
    config = endpoint_config(name="internal-api")
    created = cfm.create_vpc_origin(VpcOriginEndpointConfig=config,
                                    Tags={"Items": [{"Key": "team", "Value": "api"}]})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    origin = created["VpcOrigin"]
    origin_id = origin["Id"]
    assert origin_id.startswith("vo_") and len(origin_id) == 25
    assert origin["Arn"] == f"arn:aws:cloudfront::{account}:vpcorigin/{origin_id}"
    assert origin["Status"] == "Deploying"
    assert origin["VpcOriginEndpointConfig"] == dict(config, OriginSslProtocols={"Quantity": 1, "Items": ["TLSv1.2"]})
    assert created["Location"].endswith(f"/2020-05-31/vpc-origin/{origin_id}")
    assert cfm.list_tags_for_resource(Resource=origin["Arn"])["Tags"]["Items"] == [{"Key": "team", "Value": "api"}]

    settle(url, origin_id)
    got = cfm.get_vpc_origin(Id=origin_id)
    assert got["ETag"] == created["ETag"] and got["VpcOrigin"]["Status"] == "Deployed"
    with expect_error("EntityAlreadyExists", 409):
        cfm.create_vpc_origin(VpcOriginEndpointConfig=endpoint_config(name="internal-api"))

    # The model requires If-Match here: without one the codec answers as the service does.
    with expect_error("MalformedXML", 400):
        cfm.update_vpc_origin(Id=origin_id, IfMatch="", VpcOriginEndpointConfig=dict(config, HTTPPort=8080))
    updated = cfm.update_vpc_origin(Id=origin_id, IfMatch=created["ETag"],
                                    VpcOriginEndpointConfig=dict(config, HTTPPort=8080))
    assert updated["ETag"] != created["ETag"] and updated["VpcOrigin"]["Status"] == "Deploying"
    with expect_error("IllegalUpdate", 400):
        cfm.update_vpc_origin(Id=origin_id, IfMatch=updated["ETag"], VpcOriginEndpointConfig=dict(
            config, Arn="arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0"))

    listed = cfm.list_vpc_origins()["VpcOriginList"]
    assert [(o["Id"], o["Name"], o["OriginEndpointArn"]) for o in listed["Items"]] == [(origin_id, "internal-api", ALB)]

    with expect_error("PreconditionFailed", 412):
        cfm.delete_vpc_origin(Id=origin_id, IfMatch=created["ETag"])
    deleted = cfm.delete_vpc_origin(Id=origin_id, IfMatch=updated["ETag"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert deleted["VpcOrigin"]["Status"] == "Deleting" and deleted["VpcOrigin"]["Id"] == origin_id
    with expect_error("EntityNotFound", 404):
        cfm.get_vpc_origin(Id=origin_id)


@pytest.mark.parametrize("overrides", [
    {"Arn": "arn:aws:s3:::bucket"}, {"HTTPPort": 81}, {"Name": ""},
    {"OriginSslProtocols": {"Quantity": 0, "Items": []}},
], ids=["endpoint", "port", "name", "protocols"])
def test_config_rules(cfm, overrides):
    with expect_error("InvalidArgument", 400):
        cfm.create_vpc_origin(VpcOriginEndpointConfig=endpoint_config(**overrides))
    assert cfm.list_vpc_origins()["VpcOriginList"]["Quantity"] == 0


def test_distributions_use_it_both_ways(cfm, account):
    origin = cfm.create_vpc_origin(VpcOriginEndpointConfig=endpoint_config())
    origin_id = origin["VpcOrigin"]["Id"]
    dist = cfm.create_distribution(DistributionConfig=using(origin_id))["Distribution"]
    cfm.create_distribution(DistributionConfig=u.dist_config())
    with expect_error("EntityNotFound", 404):
        cfm.create_distribution(DistributionConfig=using("vo_NoSuchOrigin00000000000"))

    listed = cfm.list_distributions_by_vpc_origin_id(VpcOriginId=origin_id)["DistributionIdList"]
    assert listed["Items"] == [dist["Id"]]
    with expect_error("EntityNotFound", 404):
        cfm.list_distributions_by_vpc_origin_id(VpcOriginId="vo_NoSuchOrigin00000000000")
    owned = cfm.list_distributions_by_owned_resource(ResourceArn=origin["VpcOrigin"]["Arn"])["DistributionList"]
    assert owned["Items"] == [{"DistributionId": dist["Id"], "OwnerAccountId": account}]
    with expect_error("UnsupportedOperation", 400):
        cfm.list_distributions_by_owned_resource(ResourceArn=dist["ARN"])
    with expect_error("EntityNotFound", 404):
        cfm.list_distributions_by_owned_resource(
            ResourceArn=f"arn:aws:cloudfront::{account}:vpcorigin/vo_NoSuchOrigin00000000000")

    with expect_error("CannotDeleteEntityWhileInUse", 409):
        cfm.delete_vpc_origin(Id=origin_id, IfMatch=origin["ETag"])


def test_resource_policies(cfm, account):
    origin = cfm.create_vpc_origin(VpcOriginEndpointConfig=endpoint_config())
    arn, etag = origin["VpcOrigin"]["Arn"], origin["ETag"]
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
        "Action": "cloudfront:CreateDistribution", "Resource": arn}]})
    with expect_error("EntityNotFound", 404):
        cfm.get_resource_policy(ResourceArn=arn)
    assert cfm.put_resource_policy(ResourceArn=arn, PolicyDocument=policy)["ResourceArn"] == arn
    assert cfm.get_resource_policy(ResourceArn=arn) | {"ResponseMetadata": None} == {
        "ResourceArn": arn, "PolicyDocument": policy, "ResponseMetadata": None}
    assert cfm.get_vpc_origin(Id=origin["VpcOrigin"]["Id"])["ETag"] == etag, "a policy never rotates the ETag"
    with expect_error("InvalidArgument", 400):
        cfm.put_resource_policy(ResourceArn=arn, PolicyDocument="not json")
    with expect_error("InvalidArgument", 400):
        cfm.put_resource_policy(ResourceArn="not-an-arn", PolicyDocument=policy)
    with expect_error("EntityNotFound", 404):
        cfm.put_resource_policy(ResourceArn=f"arn:aws:cloudfront::{account}:vpcorigin/vo_NoSuchOrigin00000000000",
                                PolicyDocument=policy)
    cfm.delete_resource_policy(ResourceArn=arn)
    with expect_error("EntityNotFound", 404):
        cfm.delete_resource_policy(ResourceArn=arn)
    with expect_error("EntityNotFound", 404):
        cfm.get_resource_policy(ResourceArn=arn)
