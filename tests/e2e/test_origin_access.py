"""Origin access identities and origin access controls, and how distributions use them (boto3)."""

import uuid

import pytest
from botocore.exceptions import ClientError

import e2e_util as u


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def oai_config(ref=None, comment="site"):
    return {"CallerReference": ref or uuid.uuid4().hex, "Comment": comment}


def oac_config(name=None):
    return {"Name": name or f"oac-{uuid.uuid4().hex[:12]}", "Description": "s3 access",
            "SigningProtocol": "sigv4", "SigningBehavior": "always", "OriginAccessControlOriginType": "s3"}


def with_origin(dist_config, **origin_fields):
    config = dist_config()
    config["Origins"]["Items"][0].update(origin_fields)
    return config


def test_oai_lifecycle(cf):
    created = cf.create_cloud_front_origin_access_identity(CloudFrontOriginAccessIdentityConfig=oai_config())
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    identity = created["CloudFrontOriginAccessIdentity"]
    assert u.ID_RE.match(identity["Id"])
    assert len(identity["S3CanonicalUserId"]) == 96 and identity["S3CanonicalUserId"] == identity["S3CanonicalUserId"].lower()
    assert created["Location"].endswith(f"/origin-access-identity/cloudfront/{identity['Id']}")
    got = cf.get_cloud_front_origin_access_identity(Id=identity["Id"])
    assert got["ETag"] == created["ETag"]
    config = cf.get_cloud_front_origin_access_identity_config(Id=identity["Id"])
    assert config["ETag"] == created["ETag"]
    assert config["CloudFrontOriginAccessIdentityConfig"]["Comment"] == "site"

    new_config = dict(config["CloudFrontOriginAccessIdentityConfig"], Comment="renamed")
    with pytest.raises(ClientError) as excinfo:
        cf.update_cloud_front_origin_access_identity(Id=identity["Id"], IfMatch="ESTALEETAG1234",
                                                     CloudFrontOriginAccessIdentityConfig=new_config)
    assert error_code(excinfo) == "PreconditionFailed"
    updated = cf.update_cloud_front_origin_access_identity(Id=identity["Id"], IfMatch=config["ETag"],
                                                           CloudFrontOriginAccessIdentityConfig=new_config)
    assert updated["ETag"] != config["ETag"]
    listed = cf.list_cloud_front_origin_access_identities()["CloudFrontOriginAccessIdentityList"]
    assert [(item["Id"], item["Comment"]) for item in listed["Items"]] == [(identity["Id"], "renamed")]
    cf.delete_cloud_front_origin_access_identity(Id=identity["Id"], IfMatch=updated["ETag"])
    with pytest.raises(ClientError) as excinfo:
        cf.get_cloud_front_origin_access_identity(Id=identity["Id"])
    assert error_code(excinfo) == "NoSuchCloudFrontOriginAccessIdentity"


def test_oai_caller_reference_replays_identical_and_rejects_different(cf):
    first = cf.create_cloud_front_origin_access_identity(CloudFrontOriginAccessIdentityConfig=oai_config("same"))
    again = cf.create_cloud_front_origin_access_identity(CloudFrontOriginAccessIdentityConfig=oai_config("same"))
    assert again["CloudFrontOriginAccessIdentity"]["Id"] == first["CloudFrontOriginAccessIdentity"]["Id"]
    with pytest.raises(ClientError) as excinfo:
        cf.create_cloud_front_origin_access_identity(
            CloudFrontOriginAccessIdentityConfig=oai_config("same", comment="other"))
    assert error_code(excinfo) == "CloudFrontOriginAccessIdentityAlreadyExists"


def test_oai_in_use_both_ways(cf, dist_config, streaming_config):
    with pytest.raises(ClientError) as excinfo:
        cf.create_distribution(DistributionConfig=with_origin(
            dist_config, S3OriginConfig={"OriginAccessIdentity": "origin-access-identity/cloudfront/ENOSUCHOAI1234"}))
    assert error_code(excinfo) == "InvalidOriginAccessIdentity"

    created = cf.create_cloud_front_origin_access_identity(CloudFrontOriginAccessIdentityConfig=oai_config())
    oai_id, oai_etag = created["CloudFrontOriginAccessIdentity"]["Id"], created["ETag"]
    path = f"origin-access-identity/cloudfront/{oai_id}"
    dist = cf.create_distribution(DistributionConfig=with_origin(dist_config, S3OriginConfig={"OriginAccessIdentity": path}))
    with pytest.raises(ClientError) as excinfo:
        cf.delete_cloud_front_origin_access_identity(Id=oai_id, IfMatch=oai_etag)
    assert error_code(excinfo) == "CloudFrontOriginAccessIdentityInUse"

    # Still in use by a streaming distribution after the distribution lets go.
    streaming = streaming_config()
    streaming["S3Origin"]["OriginAccessIdentity"] = path
    cf.create_streaming_distribution(StreamingDistributionConfig=streaming)
    config = cf.get_distribution_config(Id=dist["Distribution"]["Id"])
    config["DistributionConfig"]["Origins"]["Items"][0]["S3OriginConfig"]["OriginAccessIdentity"] = ""
    cf.update_distribution(Id=dist["Distribution"]["Id"], IfMatch=config["ETag"],
                           DistributionConfig=config["DistributionConfig"])
    with pytest.raises(ClientError) as excinfo:
        cf.delete_cloud_front_origin_access_identity(Id=oai_id, IfMatch=oai_etag)
    assert error_code(excinfo) == "CloudFrontOriginAccessIdentityInUse"


def test_oac_lifecycle_and_rules(cf, dist_config):
    created = cf.create_origin_access_control(OriginAccessControlConfig=oac_config("site-oac"))
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    oac_id = created["OriginAccessControl"]["Id"]
    with pytest.raises(ClientError) as excinfo:
        cf.create_origin_access_control(OriginAccessControlConfig=oac_config("site-oac"))
    assert error_code(excinfo) == "OriginAccessControlAlreadyExists"

    got = cf.get_origin_access_control(Id=oac_id)
    assert got["ETag"] == created["ETag"]
    assert got["OriginAccessControl"]["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    listed = cf.list_origin_access_controls()["OriginAccessControlList"]
    assert [item["Id"] for item in listed["Items"]] == [oac_id]
    assert listed["Items"][0]["Name"] == "site-oac"

    with pytest.raises(ClientError) as excinfo:
        cf.create_distribution(DistributionConfig=with_origin(dist_config, OriginAccessControlId="ENOSUCHOAC1234"))
    # The model's CreateDistribution names InvalidOriginAccessControl, not NoSuchOriginAccessControl.
    assert error_code(excinfo) == "InvalidOriginAccessControl"

    oai = cf.create_cloud_front_origin_access_identity(CloudFrontOriginAccessIdentityConfig=oai_config())
    both = with_origin(dist_config, OriginAccessControlId=oac_id, S3OriginConfig={
        "OriginAccessIdentity": f"origin-access-identity/cloudfront/{oai['CloudFrontOriginAccessIdentity']['Id']}"})
    with pytest.raises(ClientError) as excinfo:
        cf.create_distribution(DistributionConfig=both)
    assert error_code(excinfo) == "IllegalOriginAccessConfiguration"

    dist = cf.create_distribution(DistributionConfig=with_origin(dist_config, OriginAccessControlId=oac_id))
    with pytest.raises(ClientError) as excinfo:
        cf.delete_origin_access_control(Id=oac_id, IfMatch=created["ETag"])
    assert error_code(excinfo) == "OriginAccessControlInUse"

    updated = cf.update_origin_access_control(
        Id=oac_id, IfMatch=created["ETag"], OriginAccessControlConfig=dict(oac_config("site-oac"), SigningBehavior="no-override"))
    assert updated["ETag"] != created["ETag"]

    config = cf.get_distribution_config(Id=dist["Distribution"]["Id"])
    config["DistributionConfig"]["Origins"]["Items"][0]["OriginAccessControlId"] = ""
    cf.update_distribution(Id=dist["Distribution"]["Id"], IfMatch=config["ETag"], DistributionConfig=config["DistributionConfig"])
    cf.delete_origin_access_control(Id=oac_id, IfMatch=updated["ETag"])
    with pytest.raises(ClientError) as excinfo:
        cf.get_origin_access_control(Id=oac_id)
    assert error_code(excinfo) == "NoSuchOriginAccessControl"
