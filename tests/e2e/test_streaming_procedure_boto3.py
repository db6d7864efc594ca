"""Procedure 2 with boto3: the life of an RTMP (streaming) distribution, with its errors."""

import e2e_util as u
from e2e_util import expect_error


def test_streaming_procedure(cf, raw, account, streaming_config):
    cfg = streaming_config(comment="procedure 2")

    # 1. Create: 201, Location, ETag, identifiers, InProgress.
    created = cf.create_streaming_distribution(StreamingDistributionConfig=cfg)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    sd = created["StreamingDistribution"]
    sd_id = sd["Id"]
    assert u.ID_RE.match(sd_id), sd_id
    assert created["Location"] == \
        f"https://cloudfront.amazonaws.com/2020-05-31/streaming-distribution/{sd_id}"
    etag1 = created["ETag"]
    assert u.ETAG_RE.match(etag1), etag1
    assert sd["ARN"] == f"arn:aws:cloudfront::{account}:streaming-distribution/{sd_id}"
    assert u.STREAMING_DOMAIN_RE.match(sd["DomainName"]), sd["DomainName"]
    assert sd["Status"] == "InProgress"
    u.assert_recent(sd["LastModifiedTime"])
    assert sd["ActiveTrustedSigners"]["Enabled"] is False
    assert sd["ActiveTrustedSigners"]["Quantity"] == 0
    u.assert_subset(cfg, sd["StreamingDistributionConfig"])

    # 2. Get it and its config: same ETag, same config.
    got = cf.get_streaming_distribution(Id=sd_id)
    got_cfg = cf.get_streaming_distribution_config(Id=sd_id)
    assert got["ETag"] == got_cfg["ETag"] == etag1
    assert got["StreamingDistribution"]["StreamingDistributionConfig"] == \
        got_cfg["StreamingDistributionConfig"] == sd["StreamingDistributionConfig"]

    # 3. Delete while enabled -> 409 StreamingDistributionNotDisabled.
    with expect_error("StreamingDistributionNotDisabled", 409):
        cf.delete_streaming_distribution(Id=sd_id, IfMatch=etag1)

    # 4. Update without If-Match -> 400 InvalidIfMatchVersion (raw: boto3 requires it).
    disabled = dict(got_cfg["StreamingDistributionConfig"], Enabled=False)
    body = u.serialize_body("UpdateStreamingDistribution", {
        "Id": sd_id, "IfMatch": etag1, "StreamingDistributionConfig": disabled})
    r = raw.put(f"/2020-05-31/streaming-distribution/{sd_id}/config", body=body)
    u.assert_raw_error(r, 400, "InvalidIfMatchVersion")
    with expect_error("InvalidIfMatchVersion", 400):
        cf.update_streaming_distribution(Id=sd_id, IfMatch="",
                                         StreamingDistributionConfig=disabled)
    with expect_error("PreconditionFailed", 412):
        cf.update_streaming_distribution(Id=sd_id, IfMatch="E0000000000000",
                                         StreamingDistributionConfig=disabled)
    assert cf.get_streaming_distribution_config(Id=sd_id)["ETag"] == etag1

    # 5. Disable with If-Match -> new ETag, InProgress.
    upd = cf.update_streaming_distribution(Id=sd_id, IfMatch=etag1,
                                           StreamingDistributionConfig=disabled)
    assert upd["ResponseMetadata"]["HTTPStatusCode"] == 200
    etag2 = upd["ETag"]
    assert u.ETAG_RE.match(etag2) and etag2 != etag1
    assert upd["StreamingDistribution"]["Status"] == "InProgress"
    assert upd["StreamingDistribution"]["StreamingDistributionConfig"]["Enabled"] is False

    # 6. Delete before deployed -> 409; without If-Match -> 400.
    with expect_error("StreamingDistributionNotDisabled", 409):
        cf.delete_streaming_distribution(Id=sd_id, IfMatch=etag2)
    r = raw.delete(f"/2020-05-31/streaming-distribution/{sd_id}")
    u.assert_raw_error(r, 400, "InvalidIfMatchVersion")

    # 7. Wait for Deployed; the ETag does not move.
    u.wait_deployed(cf, sd_id, streaming=True)
    dep = cf.get_streaming_distribution(Id=sd_id)
    assert dep["StreamingDistribution"]["Status"] == "Deployed"
    assert dep["ETag"] == etag2
    assert cf.get_streaming_distribution_config(Id=sd_id)["ETag"] == etag2

    # 8. Delete with the stale ETag -> 412; with the current one -> 204.
    with expect_error("PreconditionFailed", 412):
        cf.delete_streaming_distribution(Id=sd_id, IfMatch=etag1)
    deleted = cf.delete_streaming_distribution(Id=sd_id, IfMatch=etag2)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204

    # 9. Gone: 404 NoSuchStreamingDistribution everywhere.
    with expect_error("NoSuchStreamingDistribution", 404):
        cf.get_streaming_distribution(Id=sd_id)
    with expect_error("NoSuchStreamingDistribution", 404):
        cf.get_streaming_distribution_config(Id=sd_id)
    with expect_error("NoSuchStreamingDistribution", 404):
        cf.update_streaming_distribution(Id=sd_id, IfMatch=etag2,
                                         StreamingDistributionConfig=disabled)
    with expect_error("NoSuchStreamingDistribution", 404):
        cf.delete_streaming_distribution(Id=sd_id, IfMatch=etag2)
    listed = cf.list_streaming_distributions()["StreamingDistributionList"]
    assert sd_id not in [s["Id"] for s in listed.get("Items", [])]


def test_streaming_errors(cf, streaming_config, dist_config):
    cfg = streaming_config()
    created = cf.create_streaming_distribution(StreamingDistributionConfig=cfg)
    sd_id, etag = created["StreamingDistribution"]["Id"], created["ETag"]
    # Reused CallerReference.
    with expect_error("StreamingDistributionAlreadyExists", 409):
        cf.create_streaming_distribution(StreamingDistributionConfig=cfg)
    # Changed CallerReference on update.
    with expect_error("IllegalUpdate", 400):
        cf.update_streaming_distribution(
            Id=sd_id, IfMatch=etag,
            StreamingDistributionConfig=dict(cfg, CallerReference=u.unique_ref()))
    # Quantity != len(Items).
    with expect_error("InconsistentQuantities", 400):
        cf.create_streaming_distribution(StreamingDistributionConfig=streaming_config(
            Aliases={"Quantity": 2, "Items": ["rtmp.example.com"]}))
    # Unknown id.
    with expect_error("NoSuchStreamingDistribution", 404):
        cf.get_streaming_distribution(Id="E0000000000000")
    # A streaming id is not a web distribution id, and vice versa.
    with expect_error("NoSuchDistribution", 404):
        cf.get_distribution(Id=sd_id)
    d = cf.create_distribution(DistributionConfig=dist_config())["Distribution"]
    with expect_error("NoSuchStreamingDistribution", 404):
        cf.get_streaming_distribution(Id=d["Id"])
    # Nothing changed.
    after = cf.get_streaming_distribution(Id=sd_id)
    assert after["ETag"] == etag
    assert after["StreamingDistribution"]["StreamingDistributionConfig"] == \
        created["StreamingDistribution"]["StreamingDistributionConfig"]
    listed = cf.list_streaming_distributions()["StreamingDistributionList"]
    assert [s["Id"] for s in listed.get("Items", [])] == [sd_id]
