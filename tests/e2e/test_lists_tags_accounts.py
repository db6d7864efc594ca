"""Lists and pagination, tags, accounts, persistence, and the If-Match race."""

import threading

import pytest
from botocore.exceptions import ClientError

import e2e_util as u
from e2e_util import expect_error


# --------------------------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------------------------

def test_empty_lists(cf):
    dl = cf.list_distributions()["DistributionList"]
    assert dl["Quantity"] == 0 and dl["IsTruncated"] is False
    assert dl.get("Items", []) == []
    assert dl["MaxItems"] == 100
    assert dl["Marker"] == ""
    assert "NextMarker" not in dl
    sl = cf.list_streaming_distributions()["StreamingDistributionList"]
    assert sl["Quantity"] == 0 and sl["IsTruncated"] is False and sl.get("Items", []) == []
    assert sl["MaxItems"] == 100
    assert "NextMarker" not in sl


def test_pagination_marker_and_max_items(cf, dist_config):
    ids = []
    for i in range(7):
        ids.append(cf.create_distribution(
            DistributionConfig=dist_config(comment=f"page-{i}"))["Distribution"]["Id"])

    p1 = cf.list_distributions(MaxItems="3")["DistributionList"]
    assert p1["MaxItems"] == 3 and p1["Quantity"] == 3 and p1["IsTruncated"] is True
    assert p1["Marker"] == ""
    assert [d["Id"] for d in p1["Items"]] == ids[0:3]
    assert p1["NextMarker"] == ids[2]

    p2 = cf.list_distributions(MaxItems="3", Marker=p1["NextMarker"])["DistributionList"]
    assert p2["Marker"] == ids[2]
    assert p2["Quantity"] == 3 and p2["IsTruncated"] is True
    assert [d["Id"] for d in p2["Items"]] == ids[3:6]
    assert p2["NextMarker"] == ids[5]

    p3 = cf.list_distributions(MaxItems="3", Marker=p2["NextMarker"])["DistributionList"]
    assert p3["Marker"] == ids[5]
    assert p3["Quantity"] == 1 and p3["IsTruncated"] is False
    assert [d["Id"] for d in p3["Items"]] == ids[6:]
    assert "NextMarker" not in p3

    # Exactly a full page: not truncated, no NextMarker.
    p = cf.list_distributions(MaxItems="7")["DistributionList"]
    assert p["Quantity"] == 7 and p["IsTruncated"] is False and "NextMarker" not in p
    assert [d["Id"] for d in p["Items"]] == ids
    # Default page size is 100.
    p = cf.list_distributions()["DistributionList"]
    assert p["MaxItems"] == 100 and [d["Id"] for d in p["Items"]] == ids
    # Marker on the last id: nothing after it.
    p = cf.list_distributions(Marker=ids[-1])["DistributionList"]
    assert p["Quantity"] == 0 and p["IsTruncated"] is False and p.get("Items", []) == []

    # The summaries carry the distribution's fields.
    s = p1["Items"][1]
    assert s["Comment"] == "page-1"
    assert s["ARN"].endswith(f":distribution/{ids[1]}")
    assert s["Status"] == "InProgress" and s["Enabled"] is True
    assert u.DOMAIN_RE.match(s["DomainName"])
    assert s["Origins"]["Quantity"] == 1
    assert s["Origins"]["Items"][0]["Id"] == "my-bucket-origin"
    assert s["DefaultCacheBehavior"]["TargetOriginId"] == "my-bucket-origin"
    assert s["PriceClass"] == "PriceClass_All"
    assert s["HttpVersion"] == "http2" and s["IsIPV6Enabled"] is True

    # boto3's paginator walks the same pages.
    pages = list(cf.get_paginator("list_distributions").paginate(
        PaginationConfig={"PageSize": 3}))
    assert [len(pg["DistributionList"].get("Items", [])) for pg in pages] == [3, 3, 1]
    assert [d["Id"] for pg in pages for d in pg["DistributionList"]["Items"]] == ids


def test_list_reflects_updates_and_deletes(cf, dist_config):
    a = cf.create_distribution(DistributionConfig=dist_config(comment="a"))
    b = cf.create_distribution(DistributionConfig=dist_config(comment="b", Enabled=False))
    aid, bid = a["Distribution"]["Id"], b["Distribution"]["Id"]
    upd = cf.update_distribution(Id=aid, IfMatch=a["ETag"], DistributionConfig=dict(
        a["Distribution"]["DistributionConfig"], Comment="a2"))
    items = cf.list_distributions()["DistributionList"]["Items"]
    # Updating does not move a distribution in the order.
    assert [(d["Id"], d["Comment"]) for d in items] == [(aid, "a2"), (bid, "b")]
    u.wait_deployed(cf, bid)
    cf.delete_distribution(Id=bid, IfMatch=b["ETag"])
    items = cf.list_distributions()["DistributionList"]["Items"]
    assert [d["Id"] for d in items] == [aid]
    assert upd["ETag"] == cf.get_distribution(Id=aid)["ETag"]


def test_list_streaming_distributions(cf, streaming_config, dist_config):
    ids = [cf.create_streaming_distribution(StreamingDistributionConfig=streaming_config(
        comment=f"rtmp-{i}"))["StreamingDistribution"]["Id"] for i in range(4)]
    web = cf.create_distribution(DistributionConfig=dist_config())["Distribution"]["Id"]

    sl = cf.list_streaming_distributions()["StreamingDistributionList"]
    assert sl["Quantity"] == 4 and sl["IsTruncated"] is False
    assert [s["Id"] for s in sl["Items"]] == ids
    s0 = sl["Items"][0]
    assert s0["Comment"] == "rtmp-0" and s0["Enabled"] is True
    assert s0["ARN"].endswith(f":streaming-distribution/{ids[0]}")
    assert u.STREAMING_DOMAIN_RE.match(s0["DomainName"])
    assert s0["S3Origin"]["DomainName"] == "my-media-bucket.s3.amazonaws.com"
    assert s0["TrustedSigners"]["Enabled"] is False
    # The two kinds are listed apart.
    assert [d["Id"] for d in cf.list_distributions()["DistributionList"]["Items"]] == [web]

    p1 = cf.list_streaming_distributions(MaxItems="3")["StreamingDistributionList"]
    assert [s["Id"] for s in p1["Items"]] == ids[:3]
    assert p1["IsTruncated"] is True and p1["NextMarker"] == ids[2]
    p2 = cf.list_streaming_distributions(MaxItems="3", Marker=ids[2])["StreamingDistributionList"]
    assert [s["Id"] for s in p2["Items"]] == ids[3:]
    assert p2["IsTruncated"] is False and "NextMarker" not in p2


# --------------------------------------------------------------------------------------------
# Tags
# --------------------------------------------------------------------------------------------

def _tags(cf, arn):
    items = cf.list_tags_for_resource(Resource=arn)["Tags"].get("Items", [])
    return {t["Key"]: t.get("Value") for t in items}


def test_tags_lifecycle(cf, account, dist_config):
    created = cf.create_distribution_with_tags(DistributionConfigWithTags={
        "DistributionConfig": dist_config(),
        "Tags": {"Items": [{"Key": "env", "Value": "test"}, {"Key": "team", "Value": "edge"}]},
    })
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    dist = created["Distribution"]
    etag = created["ETag"]
    arn = dist["ARN"]
    assert arn == f"arn:aws:cloudfront::{account}:distribution/{dist['Id']}"
    assert created["Location"].endswith(f"/2020-05-31/distribution/{dist['Id']}")
    assert dist["Status"] == "InProgress"
    assert _tags(cf, arn) == {"env": "test", "team": "edge"}

    r = cf.tag_resource(Resource=arn, Tags={"Items": [
        {"Key": "env", "Value": "prod"}, {"Key": "cost-center", "Value": "42"}]})
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert _tags(cf, arn) == {"env": "prod", "team": "edge", "cost-center": "42"}

    r = cf.untag_resource(Resource=arn, TagKeys={"Items": ["team", "not-there"]})
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert _tags(cf, arn) == {"env": "prod", "cost-center": "42"}

    # Tagging is not a config change: the ETag and config stay.
    got = cf.get_distribution(Id=dist["Id"])
    assert got["ETag"] == etag
    assert got["Distribution"]["DistributionConfig"] == dist["DistributionConfig"]
    assert got["Distribution"]["LastModifiedTime"] == dist["LastModifiedTime"]
    # An update keeps the tags.
    cf.update_distribution(Id=dist["Id"], IfMatch=etag, DistributionConfig=dict(
        dist["DistributionConfig"], Comment="updated"))
    assert _tags(cf, arn) == {"env": "prod", "cost-center": "42"}
    cf.untag_resource(Resource=arn, TagKeys={"Items": ["env", "cost-center"]})
    assert _tags(cf, arn) == {}


def test_reserved_and_repeated_tag_keys_are_invalid_tagging(cf, dist_config):
    for items in ([{"Key": "aws:owner", "Value": "me"}], [{"Key": "AWS:Owner"}],
                  [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]):
        with expect_error("InvalidTagging", 400):
            cf.create_distribution_with_tags(DistributionConfigWithTags={
                "DistributionConfig": dist_config(), "Tags": {"Items": items}})
    assert cf.list_distributions()["DistributionList"]["Quantity"] == 0
    dist = cf.create_distribution_with_tags(DistributionConfigWithTags={
        "DistributionConfig": dist_config(), "Tags": {"Items": [{"Key": "awsome", "Value": "ok"}]}})["Distribution"]
    for items in ([{"Key": "aws:cloudformation:stack-name", "Value": "x"}],
                  [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "1"}]):
        with expect_error("InvalidTagging", 400):
            cf.tag_resource(Resource=dist["ARN"], Tags={"Items": items})
    assert _tags(cf, dist["ARN"]) == {"awsome": "ok"}


def test_plain_distribution_has_no_tags(cf, dist_config):
    d = cf.create_distribution(DistributionConfig=dist_config())["Distribution"]
    assert _tags(cf, d["ARN"]) == {}


def test_streaming_distribution_tags(cf, account, streaming_config):
    created = cf.create_streaming_distribution_with_tags(StreamingDistributionConfigWithTags={
        "StreamingDistributionConfig": streaming_config(),
        "Tags": {"Items": [{"Key": "kind", "Value": "rtmp"}]},
    })
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    sd = created["StreamingDistribution"]
    assert sd["ARN"] == f"arn:aws:cloudfront::{account}:streaming-distribution/{sd['Id']}"
    assert _tags(cf, sd["ARN"]) == {"kind": "rtmp"}
    cf.tag_resource(Resource=sd["ARN"], Tags={"Items": [{"Key": "a", "Value": "b"}]})
    assert _tags(cf, sd["ARN"]) == {"kind": "rtmp", "a": "b"}
    assert cf.get_streaming_distribution(Id=sd["Id"])["ETag"] == created["ETag"]


def test_unknown_arn_is_no_such_resource(cf, account, new_account, make_client, dist_config):
    unknown = f"arn:aws:cloudfront::{account}:distribution/E0000000000000"
    with expect_error("NoSuchResource", 404):
        cf.list_tags_for_resource(Resource=unknown)
    with expect_error("NoSuchResource", 404):
        cf.tag_resource(Resource=unknown, Tags={"Items": [{"Key": "k", "Value": "v"}]})
    with expect_error("NoSuchResource", 404):
        cf.untag_resource(Resource=unknown, TagKeys={"Items": ["k"]})
    with expect_error("NoSuchResource", 404):
        cf.list_tags_for_resource(
            Resource=f"arn:aws:cloudfront::{account}:streaming-distribution/E0000000000000")
    # The resource type in the ARN must match: a web distribution is not a streaming one.
    mine = cf.create_distribution(DistributionConfig=dist_config())["Distribution"]
    with expect_error("NoSuchResource", 404):
        cf.list_tags_for_resource(Resource=mine["ARN"].replace(":distribution/",
                                                               ":streaming-distribution/"))
    assert _tags(cf, mine["ARN"]) == {}
    # Another account's ARN is unknown too, even if it exists there.
    other = make_client(new_account())
    theirs = other.create_distribution(DistributionConfig=dist_config())["Distribution"]["ARN"]
    with expect_error("NoSuchResource", 404):
        cf.list_tags_for_resource(Resource=theirs)
    with expect_error("NoSuchResource", 404):
        cf.tag_resource(Resource=theirs, Tags={"Items": [{"Key": "k", "Value": "v"}]})
    assert _tags(other, theirs) == {}


# --------------------------------------------------------------------------------------------
# Accounts
# --------------------------------------------------------------------------------------------

def test_accounts_are_isolated(make_client, new_account, dist_config, streaming_config):
    a_id, b_id = new_account(), new_account()
    a, b = make_client(a_id), make_client(b_id)
    cfg = dist_config()
    da = a.create_distribution(DistributionConfig=cfg)
    sa = a.create_streaming_distribution(StreamingDistributionConfig=streaming_config())
    aid, etag = da["Distribution"]["Id"], da["ETag"]
    assert da["Distribution"]["ARN"] == f"arn:aws:cloudfront::{a_id}:distribution/{aid}"

    with expect_error("NoSuchDistribution", 404):
        b.get_distribution(Id=aid)
    with expect_error("NoSuchDistribution", 404):
        b.get_distribution_config(Id=aid)
    with expect_error("NoSuchDistribution", 404):
        b.update_distribution(Id=aid, IfMatch=etag, DistributionConfig=cfg)
    with expect_error("NoSuchDistribution", 404):
        b.delete_distribution(Id=aid, IfMatch=etag)
    with expect_error("NoSuchStreamingDistribution", 404):
        b.get_streaming_distribution(Id=sa["StreamingDistribution"]["Id"])
    assert b.list_distributions()["DistributionList"]["Quantity"] == 0
    assert b.list_streaming_distributions()["StreamingDistributionList"]["Quantity"] == 0

    # The same CallerReference is free in another account.
    db = b.create_distribution(DistributionConfig=dict(cfg))
    bid = db["Distribution"]["Id"]
    assert bid != aid
    assert db["Distribution"]["ARN"] == f"arn:aws:cloudfront::{b_id}:distribution/{bid}"
    assert [d["Id"] for d in a.list_distributions()["DistributionList"]["Items"]] == [aid]
    assert [d["Id"] for d in b.list_distributions()["DistributionList"]["Items"]] == [bid]
    assert a.get_distribution(Id=aid)["ETag"] == etag


def test_non_numeric_key_is_the_default_account(make_client, new_account, url, dist_config):
    key1 = make_client("AKIAIOSFODNN7EXAMPLE")
    created = key1.create_distribution(DistributionConfig=dist_config())
    dist_id = created["Distribution"]["Id"]
    assert created["Distribution"]["ARN"] == \
        f"arn:aws:cloudfront::{u.DEFAULT_ACCOUNT}:distribution/{dist_id}"
    # Any other non-12-digit key, and unsigned requests, are the same default account.
    for key in ["test", "AKIA0000000000000000", "1234567890123", "12345678901"]:
        assert make_client(key).get_distribution(Id=dist_id)["ETag"] == created["ETag"], key
    r = u.Raw(url).get(f"/2020-05-31/distribution/{dist_id}", sign=False)
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == created["ETag"]
    # The default account's own id as a key is that same account.
    assert make_client(u.DEFAULT_ACCOUNT).get_distribution(Id=dist_id)["ETag"] == created["ETag"]
    # A 12-digit key is another account.
    with expect_error("NoSuchDistribution", 404):
        make_client(new_account()).get_distribution(Id=dist_id)


def test_account_id_flag(start_emulator, make_client, dist_config):
    em = start_emulator("--account-id", "111122223333")
    d = make_client("not-an-account", em.url).create_distribution(
        DistributionConfig=dist_config())["Distribution"]
    assert d["ARN"] == f"arn:aws:cloudfront::111122223333:distribution/{d['Id']}"
    r = u.Raw(em.url).get("/2020-05-31/distribution", sign=False)
    assert d["Id"] in r.text


# --------------------------------------------------------------------------------------------
# Persistence
# --------------------------------------------------------------------------------------------

def test_persistence_across_restart(start_emulator, make_client, account, dist_config,
                                    streaming_config, tmp_path):
    db = tmp_path / "cloudfront.db"
    em = start_emulator("--db", str(db), "--propagation-delay", "1")
    cf = make_client(account, em.url)
    created = cf.create_distribution_with_tags(DistributionConfigWithTags={
        "DistributionConfig": dist_config(), "Tags": {"Items": [{"Key": "keep", "Value": "me"}]}})
    dist = created["Distribution"]
    upd = cf.update_distribution(Id=dist["Id"], IfMatch=created["ETag"], DistributionConfig=dict(
        dist["DistributionConfig"], Comment="persisted"))
    second = cf.create_distribution(DistributionConfig=dist_config())["Distribution"]["Id"]
    sd = cf.create_streaming_distribution(StreamingDistributionConfig=streaming_config())
    before = cf.get_distribution(Id=dist["Id"])
    assert em.stop() == 0
    assert db.exists() and db.stat().st_size > 0

    em2 = start_emulator("--db", str(db), "--propagation-delay", "1")
    cf2 = make_client(account, em2.url)
    after = cf2.get_distribution(Id=dist["Id"])
    assert after["ETag"] == upd["ETag"]
    assert after["Distribution"]["DistributionConfig"] == before["Distribution"]["DistributionConfig"]
    assert after["Distribution"]["DistributionConfig"]["Comment"] == "persisted"
    assert after["Distribution"]["LastModifiedTime"] == before["Distribution"]["LastModifiedTime"]
    assert after["Distribution"]["DomainName"] == dist["DomainName"]
    assert after["Distribution"]["ARN"] == dist["ARN"]
    assert _tags(cf2, dist["ARN"]) == {"keep": "me"}
    assert [d["Id"] for d in cf2.list_distributions()["DistributionList"]["Items"]] == \
        [dist["Id"], second]
    s = cf2.get_streaming_distribution(Id=sd["StreamingDistribution"]["Id"])
    assert s["ETag"] == sd["ETag"]
    # Deployment finishes across the restart, and the stored ETag still works.
    u.wait_deployed(cf2, dist["Id"])
    cfg = cf2.get_distribution_config(Id=dist["Id"])
    assert cfg["ETag"] == upd["ETag"]
    with expect_error("PreconditionFailed", 412):
        cf2.update_distribution(Id=dist["Id"], IfMatch=created["ETag"],
                                DistributionConfig=cfg["DistributionConfig"])
    with expect_error("DistributionAlreadyExists", 409):
        cf2.create_distribution(DistributionConfig=dist["DistributionConfig"])
    upd2 = cf2.update_distribution(Id=dist["Id"], IfMatch=upd["ETag"], DistributionConfig=dict(
        cfg["DistributionConfig"], Enabled=False))
    assert upd2["ETag"] not in (created["ETag"], upd["ETag"])
    # New ids do not collide with the restored ones.
    third = cf2.create_distribution(DistributionConfig=dist_config())["Distribution"]["Id"]
    assert third not in (dist["Id"], second)
    assert [d["Id"] for d in cf2.list_distributions()["DistributionList"]["Items"]] == \
        [dist["Id"], second, third]


def test_in_memory_by_default(start_emulator, make_client, account, dist_config):
    em = start_emulator("--propagation-delay", "0")
    cf = make_client(account, em.url)
    cf.create_distribution(DistributionConfig=dist_config())
    assert em.stop() == 0
    em2 = start_emulator("--propagation-delay", "0")
    assert make_client(account, em2.url).list_distributions()["DistributionList"]["Quantity"] == 0


# --------------------------------------------------------------------------------------------
# The If-Match race
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("streaming", [False, True], ids=["distribution", "streaming"])
def test_concurrent_updates_with_the_same_etag(make_client, account, dist_config,
                                               streaming_config, streaming):
    n = 16
    clients = [make_client(account) for _ in range(n)]
    if streaming:
        created = clients[0].create_streaming_distribution(
            StreamingDistributionConfig=streaming_config())
        res_id, etag = created["StreamingDistribution"]["Id"], created["ETag"]
        base = created["StreamingDistribution"]["StreamingDistributionConfig"]
    else:
        created = clients[0].create_distribution(DistributionConfig=dist_config())
        res_id, etag = created["Distribution"]["Id"], created["ETag"]
        base = created["Distribution"]["DistributionConfig"]

    barrier = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        cfg = dict(base, Comment=f"writer-{i}")
        barrier.wait()
        try:
            if streaming:
                r = clients[i].update_streaming_distribution(
                    Id=res_id, IfMatch=etag, StreamingDistributionConfig=cfg)
            else:
                r = clients[i].update_distribution(Id=res_id, IfMatch=etag, DistributionConfig=cfg)
            results[i] = ("ok", r["ETag"], r["ResponseMetadata"]["HTTPStatusCode"])
        except ClientError as e:
            results[i] = ("error", e.response["Error"]["Code"],
                          e.response["ResponseMetadata"]["HTTPStatusCode"])
        except Exception as e:  # noqa: BLE001 - a transport error is a result too
            results[i] = ("exception", repr(e), None)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    winners = [i for i, r in enumerate(results) if r and r[0] == "ok"]
    losers = [r for r in results if r and r[0] == "error"]
    assert len(winners) == 1, results
    assert results[winners[0]][2] == 200
    assert len(losers) == n - 1, results
    assert all(r[1:] == ("PreconditionFailed", 412) for r in losers), results

    w = winners[0]
    if streaming:
        final = clients[0].get_streaming_distribution_config(Id=res_id)
        final_cfg = final["StreamingDistributionConfig"]
    else:
        final = clients[0].get_distribution_config(Id=res_id)
        final_cfg = final["DistributionConfig"]
    assert final["ETag"] == results[w][1] != etag
    assert final_cfg["Comment"] == f"writer-{w}"
