"""Public keys and key groups (boto3): their lifecycles and errors, the references between them and
from distributions (in use both ways, ListDistributionsByKeyGroup), and the ETag rotation of the
distributions that trust a key group when it changes."""

import re
import uuid

import pytest

import e2e_util as u

KEY_ID_RE = re.compile(r"^K[A-Z0-9]{13}$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

# Two RSA-2048 public keys (openssl genrsa | openssl rsa -pubout).
PEM_1 = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwcEfN2mcFhNy0+UI8p2M
t85js4qiSbm6N657RdaPvkj4mBDechoKJfimsO/muGfeUcGH5T8LdwsaDqsVECGM
JLAzUMvovBCiUSgx7qVo8mIKhZFfEroWu5HwqssS7HtQoOqc9n6AspQuwfaa380O
biilGR3asUhaZk+Z50Um5pdWeUoXLPUvpmVz/M699plON6KNNJWNNcL7xQnYhmA/
WIKLdE6FYR7I3onwGNm7lc+jhbvrY2FCsPksb+BNiU5xCdmHJlJ3HJCYoqQkYaHm
VOjV8cTA/zNuo76K8V8h2Y4VDqYkK6Zb69wHp8WgcPnFtsHkLh+Zy91vLHEexjo9
QQIDAQAB
-----END PUBLIC KEY-----
"""
PEM_2 = PEM_1.replace("QQIDAQAB", "QwIDAQAB")


def key_config(ref=None, name=None, key=PEM_1, comment="signing key"):
    return {"CallerReference": ref or uuid.uuid4().hex, "Name": name or f"key-{uuid.uuid4().hex[:8]}",
            "EncodedKey": key, "Comment": comment}


def group_config(key_ids, name=None, comment="signers"):
    return {"Name": name or f"group-{uuid.uuid4().hex[:8]}", "Items": list(key_ids), "Comment": comment}


@pytest.fixture
def public_key(cf):
    """A fresh public key: (id, etag)."""
    created = cf.create_public_key(PublicKeyConfig=key_config())
    return created["PublicKey"]["Id"], created["ETag"]


def trusting(dist_config, *key_groups):
    config = dist_config()
    config["DefaultCacheBehavior"]["TrustedKeyGroups"] = {
        "Enabled": True, "Quantity": len(key_groups), "Items": list(key_groups)}
    return config


# ------------------------------------------------------------------------------------------------
# Public keys
# ------------------------------------------------------------------------------------------------

def test_public_key_lifecycle(cf):
    config = key_config()
    created = cf.create_public_key(PublicKeyConfig=config)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    key = created["PublicKey"]
    assert KEY_ID_RE.match(key["Id"]), key["Id"]
    assert u.ETAG_RE.match(created["ETag"])
    assert created["Location"] == f"https://cloudfront.amazonaws.com/2020-05-31/public-key/{key['Id']}"
    u.assert_recent(key["CreatedTime"])
    assert key["PublicKeyConfig"] == config

    got = cf.get_public_key(Id=key["Id"])
    assert got["ETag"] == created["ETag"] and got["PublicKey"] == key
    got_config = cf.get_public_key_config(Id=key["Id"])
    assert got_config["ETag"] == created["ETag"] and got_config["PublicKeyConfig"] == config

    listed = cf.list_public_keys()["PublicKeyList"]
    assert listed["Quantity"] == 1
    summary = listed["Items"][0]
    assert (summary["Id"], summary["Name"], summary["EncodedKey"], summary["Comment"]) == (
        key["Id"], config["Name"], config["EncodedKey"], config["Comment"])
    assert summary["CreatedTime"] == key["CreatedTime"]

    with u.expect_error("InvalidIfMatchVersion", 400):
        cf.update_public_key(Id=key["Id"], PublicKeyConfig=dict(config, Comment="new"))
    with u.expect_error("PreconditionFailed", 412):
        cf.update_public_key(Id=key["Id"], IfMatch="ESTALEETAG1234", PublicKeyConfig=dict(config, Comment="new"))
    updated = cf.update_public_key(Id=key["Id"], IfMatch=created["ETag"], PublicKeyConfig=dict(config, Comment="new"))
    assert updated["ETag"] != created["ETag"]
    assert updated["PublicKey"]["PublicKeyConfig"]["Comment"] == "new"
    assert updated["PublicKey"]["CreatedTime"] == key["CreatedTime"]

    with u.expect_error("PreconditionFailed", 412):
        cf.delete_public_key(Id=key["Id"], IfMatch=created["ETag"])
    deleted = cf.delete_public_key(Id=key["Id"], IfMatch=updated["ETag"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with u.expect_error("NoSuchPublicKey", 404):
        cf.get_public_key(Id=key["Id"])
    with u.expect_error("NoSuchPublicKey", 404):
        cf.get_public_key_config(Id=key["Id"])
    with u.expect_error("NoSuchPublicKey", 404):
        cf.update_public_key(Id=key["Id"], IfMatch=updated["ETag"], PublicKeyConfig=config)
    assert cf.list_public_keys()["PublicKeyList"]["Quantity"] == 0


def test_public_key_errors(cf):
    config = key_config(ref="same-ref")
    created = cf.create_public_key(PublicKeyConfig=config)
    key_id, etag = created["PublicKey"]["Id"], created["ETag"]
    with u.expect_error("PublicKeyAlreadyExists", 409) as ei:
        cf.create_public_key(PublicKeyConfig=key_config(ref="same-ref", key=PEM_2))
    assert key_id in ei.value.response["Error"]["Message"]

    for bad_key in ("not a key", "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA",
                    "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----",
                    "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----"):
        with u.expect_error("InvalidArgument", 400):
            cf.create_public_key(PublicKeyConfig=key_config(key=bad_key))

    for changed in (dict(config, EncodedKey=PEM_2), dict(config, CallerReference="other-ref")):
        with u.expect_error("CannotChangeImmutablePublicKeyFields", 400):
            cf.update_public_key(Id=key_id, IfMatch=etag, PublicKeyConfig=changed)
    assert cf.get_public_key(Id=key_id)["ETag"] == etag


# ------------------------------------------------------------------------------------------------
# Key groups
# ------------------------------------------------------------------------------------------------

def test_key_group_lifecycle(cf, public_key):
    key_id, _ = public_key
    config = group_config([key_id])
    created = cf.create_key_group(KeyGroupConfig=config)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    group = created["KeyGroup"]
    assert UUID_RE.match(group["Id"]), group["Id"]
    assert created["Location"] == f"https://cloudfront.amazonaws.com/2020-05-31/key-group/{group['Id']}"
    u.assert_recent(group["LastModifiedTime"])
    assert group["KeyGroupConfig"] == config

    assert cf.get_key_group(Id=group["Id"])["ETag"] == created["ETag"]
    assert cf.get_key_group_config(Id=group["Id"])["KeyGroupConfig"] == config
    listed = cf.list_key_groups()["KeyGroupList"]
    assert [item["KeyGroup"]["Id"] for item in listed["Items"]] == [group["Id"]] and listed["Quantity"] == 1

    second = cf.create_public_key(PublicKeyConfig=key_config(key=PEM_2))["PublicKey"]["Id"]
    with u.expect_error("InvalidIfMatchVersion", 400):
        cf.update_key_group(Id=group["Id"], KeyGroupConfig=group_config([key_id, second], config["Name"]))
    updated = cf.update_key_group(Id=group["Id"], IfMatch=created["ETag"],
                                  KeyGroupConfig=group_config([key_id, second], config["Name"]))
    assert updated["ETag"] != created["ETag"]
    assert updated["KeyGroup"]["KeyGroupConfig"]["Items"] == [key_id, second]

    with u.expect_error("PreconditionFailed", 412):
        cf.delete_key_group(Id=group["Id"], IfMatch=created["ETag"])
    cf.delete_key_group(Id=group["Id"], IfMatch=updated["ETag"])
    with u.expect_error("NoSuchResource", 404):
        cf.get_key_group(Id=group["Id"])
    with u.expect_error("NoSuchResource", 404):
        cf.get_key_group_config(Id=group["Id"])
    with u.expect_error("NoSuchResource", 404):
        cf.delete_key_group(Id=group["Id"], IfMatch=updated["ETag"])


def test_key_group_errors(cf, public_key):
    key_id, _ = public_key
    with u.expect_error("NoSuchPublicKey", 404):
        cf.create_key_group(KeyGroupConfig=group_config([key_id, "KNOSUCHKEY1234"]))
    with u.expect_error("InvalidArgument", 400):
        cf.create_key_group(KeyGroupConfig=group_config([]))
    with u.expect_error("InvalidArgument", 400):
        cf.create_key_group(KeyGroupConfig=group_config([key_id], name="has spaces"))
    more = [cf.create_public_key(PublicKeyConfig=key_config())["PublicKey"]["Id"] for _ in range(5)]
    with u.expect_error("TooManyPublicKeysInKeyGroup", 400):
        cf.create_key_group(KeyGroupConfig=group_config([key_id] + more))

    created = cf.create_key_group(KeyGroupConfig=group_config([key_id], name="taken"))
    with u.expect_error("KeyGroupAlreadyExists", 409):
        cf.create_key_group(KeyGroupConfig=group_config(more[:1], name="taken"))
    # An update may not name a missing key either; the version stays.
    with u.expect_error("NoSuchPublicKey", 404):
        cf.update_key_group(Id=created["KeyGroup"]["Id"], IfMatch=created["ETag"],
                            KeyGroupConfig=group_config(["KNOSUCHKEY1234"], name="taken"))
    assert cf.get_key_group(Id=created["KeyGroup"]["Id"])["ETag"] == created["ETag"]


def test_public_key_in_a_key_group_cannot_be_deleted(cf, public_key):
    key_id, key_etag = public_key
    group = cf.create_key_group(KeyGroupConfig=group_config([key_id]))
    with u.expect_error("PublicKeyInUse", 409):
        cf.delete_public_key(Id=key_id, IfMatch=key_etag)
    # Taking the key out of the group (for another) frees it.
    other = cf.create_public_key(PublicKeyConfig=key_config(key=PEM_2))["PublicKey"]["Id"]
    cf.update_key_group(Id=group["KeyGroup"]["Id"], IfMatch=group["ETag"],
                        KeyGroupConfig=group_config([other], group["KeyGroup"]["KeyGroupConfig"]["Name"]))
    cf.delete_public_key(Id=key_id, IfMatch=key_etag)


# ------------------------------------------------------------------------------------------------
# Distributions and key groups
# ------------------------------------------------------------------------------------------------

def test_distribution_must_trust_existing_key_groups(cf, dist_config, public_key, make_client, new_account):
    with u.expect_error("TrustedKeyGroupDoesNotExist", 400):
        cf.create_distribution(DistributionConfig=trusting(dist_config, str(uuid.uuid4())))

    other = make_client(new_account())
    other_key = other.create_public_key(PublicKeyConfig=key_config())["PublicKey"]["Id"]
    foreign = other.create_key_group(KeyGroupConfig=group_config([other_key]))["KeyGroup"]["Id"]
    with u.expect_error("TrustedKeyGroupDoesNotExist", 400):
        cf.create_distribution(DistributionConfig=trusting(dist_config, foreign))

    groups = [cf.create_key_group(KeyGroupConfig=group_config([public_key[0]]))["KeyGroup"]["Id"]
              for _ in range(5)]
    with u.expect_error("TooManyKeyGroupsAssociatedToDistribution", 400):
        cf.create_distribution(DistributionConfig=trusting(dist_config, *groups))
    dist = cf.create_distribution(DistributionConfig=trusting(dist_config, *groups[:2]))
    trusted = dist["Distribution"]["DistributionConfig"]["DefaultCacheBehavior"]["TrustedKeyGroups"]
    assert trusted["Items"] == groups[:2]


def test_key_group_in_use_and_list_distributions_by_key_group(cf, dist_config, public_key):
    group = cf.create_key_group(KeyGroupConfig=group_config([public_key[0]]))
    group_id = group["KeyGroup"]["Id"]
    ids = [cf.create_distribution(DistributionConfig=trusting(dist_config, group_id))["Distribution"]["Id"]
           for _ in range(3)]
    cf.create_distribution(DistributionConfig=dist_config())

    with u.expect_error("ResourceInUse", 409):
        cf.delete_key_group(Id=group_id, IfMatch=group["ETag"])

    first = cf.list_distributions_by_key_group(KeyGroupId=group_id, MaxItems="2")["DistributionIdList"]
    assert (first["Items"], first["IsTruncated"], first["NextMarker"]) == (ids[:2], True, ids[1])
    rest = cf.list_distributions_by_key_group(KeyGroupId=group_id, Marker=ids[1])["DistributionIdList"]
    assert (rest["Items"], rest["IsTruncated"], rest["Quantity"]) == (ids[2:], False, 1)
    with u.expect_error("NoSuchResource", 404):
        cf.list_distributions_by_key_group(KeyGroupId=str(uuid.uuid4()))

    # Untrust it everywhere and it can go.
    for dist_id in ids:
        current = cf.get_distribution_config(Id=dist_id)
        config = current["DistributionConfig"]
        config["DefaultCacheBehavior"]["TrustedKeyGroups"] = {"Enabled": False, "Quantity": 0}
        cf.update_distribution(Id=dist_id, IfMatch=current["ETag"], DistributionConfig=config)
    assert cf.list_distributions_by_key_group(KeyGroupId=group_id)["DistributionIdList"]["Quantity"] == 0
    cf.delete_key_group(Id=group_id, IfMatch=group["ETag"])


def test_updating_a_key_group_renews_the_distributions_that_trust_it(cf, dist_config, public_key):
    group = cf.create_key_group(KeyGroupConfig=group_config([public_key[0]]))
    group_id = group["KeyGroup"]["Id"]
    dist_id = cf.create_distribution(DistributionConfig=trusting(dist_config, group_id))["Distribution"]["Id"]
    u.wait_deployed(cf, dist_id)
    before = cf.get_distribution(Id=dist_id)
    assert before["Distribution"]["Status"] == "Deployed"

    cf.update_key_group(Id=group_id, IfMatch=group["ETag"],
                        KeyGroupConfig=dict(group["KeyGroup"]["KeyGroupConfig"], Comment="rotated"))
    after = cf.get_distribution(Id=dist_id)
    assert after["ETag"] != before["ETag"]
    assert after["Distribution"]["Status"] == "InProgress"
    with u.expect_error("PreconditionFailed", 412):
        cf.update_distribution(Id=dist_id, IfMatch=before["ETag"],
                               DistributionConfig=before["Distribution"]["DistributionConfig"])


def test_a_distribution_reports_the_key_groups_it_trusts_with_their_keys(cf, dist_config, public_key):
    second_key = cf.create_public_key(PublicKeyConfig=key_config(key=PEM_2))["PublicKey"]["Id"]
    one = cf.create_key_group(KeyGroupConfig=group_config([public_key[0]]))
    two = cf.create_key_group(KeyGroupConfig=group_config([public_key[0], second_key]))
    one_id, two_id = one["KeyGroup"]["Id"], two["KeyGroup"]["Id"]

    plain = cf.create_distribution(DistributionConfig=dist_config())["Distribution"]
    assert plain["ActiveTrustedKeyGroups"] == {"Enabled": False, "Quantity": 0}

    # Named twice (default behavior and a path behavior), reported once, in order of first appearance.
    config = trusting(dist_config, two_id)
    behavior = dict(config["DefaultCacheBehavior"], PathPattern="/private/*",
                    TrustedKeyGroups={"Enabled": True, "Quantity": 2, "Items": [one_id, two_id]})
    config["CacheBehaviors"] = {"Quantity": 1, "Items": [behavior]}
    created = cf.create_distribution(DistributionConfig=config)
    expected = {"Enabled": True, "Quantity": 2, "Items": [
        {"KeyGroupId": two_id, "KeyPairIds": {"Quantity": 2, "Items": [public_key[0], second_key]}},
        {"KeyGroupId": one_id, "KeyPairIds": {"Quantity": 1, "Items": [public_key[0]]}}]}
    assert created["Distribution"]["ActiveTrustedKeyGroups"] == expected
    dist_id = created["Distribution"]["Id"]
    assert cf.get_distribution(Id=dist_id)["Distribution"]["ActiveTrustedKeyGroups"] == expected

    # A key group's new keys show at once: its update renews the distribution.
    cf.update_key_group(Id=one_id, IfMatch=one["ETag"],
                        KeyGroupConfig=dict(one["KeyGroup"]["KeyGroupConfig"], Items=[second_key]))
    active = cf.get_distribution(Id=dist_id)["Distribution"]["ActiveTrustedKeyGroups"]
    assert active["Items"][1] == {"KeyGroupId": one_id, "KeyPairIds": {"Quantity": 1, "Items": [second_key]}}

    # Trusting none again: nothing is active.
    current = cf.get_distribution_config(Id=dist_id)
    config = current["DistributionConfig"]
    config["DefaultCacheBehavior"]["TrustedKeyGroups"] = {"Enabled": False, "Quantity": 0}
    config["CacheBehaviors"]["Items"][0]["TrustedKeyGroups"] = {"Enabled": False, "Quantity": 0}
    updated = cf.update_distribution(Id=dist_id, IfMatch=current["ETag"], DistributionConfig=config)
    assert updated["Distribution"]["ActiveTrustedKeyGroups"] == {"Enabled": False, "Quantity": 0}
