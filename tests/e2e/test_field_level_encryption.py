"""Field-level encryption with boto3: profiles (naming public keys) and configs (naming profiles),
every operation, their limits and errors, and the in-use rules in both directions down the chain
public key <- profile <- config <- cache behavior."""

import pytest

import e2e_util as u
from e2e_util import expect_error

from test_key_groups import PEM_1 as PEM  # a real RSA public key


def items(values):
    return {"Quantity": len(values), "Items": values}


def public_key(cf):
    return cf.create_public_key(PublicKeyConfig={"CallerReference": u.unique_ref("pk"), "Name": u.unique_ref("key")[:60],
                                                 "EncodedKey": PEM})["PublicKey"]["Id"]


def profile_config(key_id, name=None, patterns=("card-number", "cvv*"), **overrides):
    return {"Name": name or u.unique_ref("profile")[:60], "CallerReference": u.unique_ref("ref"), "Comment": "pii",
            "EncryptionEntities": items([{"PublicKeyId": key_id, "ProviderId": "provider",
                                          "FieldPatterns": items(list(patterns))}]), **overrides}


def encryption_config(profile_id, **overrides):
    return {"CallerReference": u.unique_ref("fle"), "Comment": "checkout",
            "QueryArgProfileConfig": {"ForwardWhenQueryArgProfileIsUnknown": True,
                                      "QueryArgProfiles": items([{"QueryArg": "profile", "ProfileId": profile_id}])},
            "ContentTypeProfileConfig": {"ForwardWhenContentTypeIsUnknown": True, "ContentTypeProfiles": items([
                {"Format": "URLEncoded", "ProfileId": profile_id, "ContentType": "application/x-www-form-urlencoded"}])},
            **overrides}


def fle_behavior(config_id):
    return {"FieldLevelEncryptionId": config_id, "ViewerProtocolPolicy": "https-only",
            "AllowedMethods": {**items(["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]),
                               "CachedMethods": items(["GET", "HEAD"])}}


def test_profiles_every_operation(cf):
    key_id = public_key(cf)
    config = profile_config(key_id)
    created = cf.create_field_level_encryption_profile(FieldLevelEncryptionProfileConfig=config)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    profile_id = created["FieldLevelEncryptionProfile"]["Id"]
    assert created["Location"].endswith(f"/2020-05-31/field-level-encryption-profile/{profile_id}")
    assert created["FieldLevelEncryptionProfile"]["FieldLevelEncryptionProfileConfig"] == config
    got = cf.get_field_level_encryption_profile(Id=profile_id)
    assert got["ETag"] == created["ETag"]
    assert cf.get_field_level_encryption_profile_config(Id=profile_id)["FieldLevelEncryptionProfileConfig"] == config

    with expect_error("FieldLevelEncryptionProfileAlreadyExists", 409):  # the name is taken
        cf.create_field_level_encryption_profile(FieldLevelEncryptionProfileConfig=profile_config(
            key_id, name=config["Name"]))
    with expect_error("FieldLevelEncryptionProfileAlreadyExists", 409):  # the caller reference is taken
        cf.create_field_level_encryption_profile(FieldLevelEncryptionProfileConfig=dict(
            profile_config(key_id), CallerReference=config["CallerReference"]))

    updated = cf.update_field_level_encryption_profile(Id=profile_id, IfMatch=created["ETag"],
                                                       FieldLevelEncryptionProfileConfig=dict(config, Comment="new"))
    assert updated["ETag"] != created["ETag"]
    with expect_error("PreconditionFailed", 412):
        cf.update_field_level_encryption_profile(Id=profile_id, IfMatch=created["ETag"],
                                                 FieldLevelEncryptionProfileConfig=config)
    with expect_error("IllegalUpdate", 400):
        cf.update_field_level_encryption_profile(Id=profile_id, IfMatch=updated["ETag"],
                                                 FieldLevelEncryptionProfileConfig=dict(config, CallerReference="x"))
    listed = cf.list_field_level_encryption_profiles()["FieldLevelEncryptionProfileList"]
    assert [(p["Id"], p["Name"], p["Comment"]) for p in listed["Items"]] == [(profile_id, config["Name"], "new")]
    assert listed["Items"][0]["EncryptionEntities"] == config["EncryptionEntities"]

    with expect_error("InvalidIfMatchVersion", 400):
        cf.delete_field_level_encryption_profile(Id=profile_id)
    cf.delete_field_level_encryption_profile(Id=profile_id, IfMatch=updated["ETag"])
    with expect_error("NoSuchFieldLevelEncryptionProfile", 404):
        cf.get_field_level_encryption_profile(Id=profile_id)


@pytest.mark.parametrize("change,code", [
    (lambda c, k: c.update(EncryptionEntities=items([
        {"PublicKeyId": k, "ProviderId": "p", "FieldPatterns": items([f"f{e}"])} for e in range(11)])),
     "TooManyFieldLevelEncryptionEncryptionEntities"),
    (lambda c, k: c["EncryptionEntities"]["Items"][0].update(FieldPatterns=items([f"field{i}" for i in range(11)])),
     "TooManyFieldLevelEncryptionFieldPatterns"),
    (lambda c, k: c["EncryptionEntities"]["Items"][0].update(FieldPatterns=items(["f" * 600, "g" * 600])),
     "FieldLevelEncryptionProfileSizeExceeded"),
    (lambda c, k: c["EncryptionEntities"]["Items"][0].update(FieldPatterns=items(["card*", "card-number"])),
     "InvalidArgument"),
    (lambda c, k: c.update(Name="has spaces"), "InvalidArgument"),
    (lambda c, k: c["EncryptionEntities"]["Items"][0].update(PublicKeyId="KNOSUCHKEY0000"), "NoSuchPublicKey"),
], ids=["entities", "patterns", "size", "overlap", "name", "unknown-key"])
def test_profile_rules(cf, change, code):
    key_id = public_key(cf)
    config = profile_config(key_id)
    change(config, key_id)
    status = 404 if code.startswith("NoSuch") else 400
    with expect_error(code, status):
        cf.create_field_level_encryption_profile(FieldLevelEncryptionProfileConfig=config)
    assert cf.list_field_level_encryption_profiles()["FieldLevelEncryptionProfileList"]["Quantity"] == 0


def test_configs_every_operation_and_rules(cf):
    profile_id = cf.create_field_level_encryption_profile(FieldLevelEncryptionProfileConfig=profile_config(
        public_key(cf)))["FieldLevelEncryptionProfile"]["Id"]
    config = encryption_config(profile_id)
    created = cf.create_field_level_encryption_config(FieldLevelEncryptionConfig=config)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    config_id = created["FieldLevelEncryption"]["Id"]
    assert created["Location"].endswith(f"/2020-05-31/field-level-encryption/{config_id}")
    got = cf.get_field_level_encryption(Id=config_id)
    assert got["ETag"] == created["ETag"] and got["FieldLevelEncryption"]["FieldLevelEncryptionConfig"] == config
    assert cf.get_field_level_encryption_config(Id=config_id)["FieldLevelEncryptionConfig"] == config
    with expect_error("FieldLevelEncryptionConfigAlreadyExists", 409):
        cf.create_field_level_encryption_config(FieldLevelEncryptionConfig=dict(
            encryption_config(profile_id), CallerReference=config["CallerReference"]))
    updated = cf.update_field_level_encryption_config(Id=config_id, IfMatch=created["ETag"],
                                                      FieldLevelEncryptionConfig=dict(config, Comment="changed"))
    listed = cf.list_field_level_encryption_configs()["FieldLevelEncryptionList"]
    assert [(c["Id"], c["Comment"]) for c in listed["Items"]] == [(config_id, "changed")]
    assert listed["Items"][0]["QueryArgProfileConfig"] == config["QueryArgProfileConfig"]

    for bad, code, status in [
        (encryption_config("PNOSUCHPROFILE"), "NoSuchFieldLevelEncryptionProfile", 404),
        (encryption_config(profile_id, QueryArgProfileConfig={
            "ForwardWhenQueryArgProfileIsUnknown": True,
            "QueryArgProfiles": items([{"QueryArg": f"q{i}", "ProfileId": profile_id} for i in range(6)])}),
         "TooManyFieldLevelEncryptionQueryArgProfiles", 400),
        (encryption_config(profile_id, ContentTypeProfileConfig={
            "ForwardWhenContentTypeIsUnknown": True, "ContentTypeProfiles": items([
                {"Format": "URLEncoded", "ProfileId": profile_id, "ContentType": f"type/{i}"} for i in range(11)])}),
         "TooManyFieldLevelEncryptionContentTypeProfiles", 400),
        (encryption_config(profile_id, QueryArgProfileConfig={
            "ForwardWhenQueryArgProfileIsUnknown": True,
            "QueryArgProfiles": items([{"QueryArg": "profile", "ProfileId": ""}])}), "QueryArgProfileEmpty", 400),
    ]:
        with expect_error(code, status):
            cf.create_field_level_encryption_config(FieldLevelEncryptionConfig=bad)
    assert cf.list_field_level_encryption_configs()["FieldLevelEncryptionList"]["Quantity"] == 1
    cf.delete_field_level_encryption_config(Id=config_id, IfMatch=updated["ETag"])
    with expect_error("NoSuchFieldLevelEncryptionConfig", 404):
        cf.get_field_level_encryption(Id=config_id)


def test_in_use_along_the_chain(cf):
    key_id = public_key(cf)
    profile = cf.create_field_level_encryption_profile(FieldLevelEncryptionProfileConfig=profile_config(key_id))
    profile_id = profile["FieldLevelEncryptionProfile"]["Id"]
    config = cf.create_field_level_encryption_config(FieldLevelEncryptionConfig=encryption_config(profile_id))
    config_id = config["FieldLevelEncryption"]["Id"]
    cfg = u.dist_config()
    cfg["DefaultCacheBehavior"].update(fle_behavior(config_id))
    dist = cf.create_distribution(DistributionConfig=cfg)["Distribution"]
    assert dist["DistributionConfig"]["DefaultCacheBehavior"]["FieldLevelEncryptionId"] == config_id

    key_etag = cf.get_public_key(Id=key_id)["ETag"]
    with expect_error("PublicKeyInUse", 409):
        cf.delete_public_key(Id=key_id, IfMatch=key_etag)
    with expect_error("FieldLevelEncryptionProfileInUse", 409):
        cf.delete_field_level_encryption_profile(Id=profile_id, IfMatch=profile["ETag"])
    with expect_error("FieldLevelEncryptionConfigInUse", 409):
        cf.delete_field_level_encryption_config(Id=config_id, IfMatch=config["ETag"])

    unknown = u.dist_config()
    unknown["DefaultCacheBehavior"].update(fle_behavior("CNOSUCHCONFIG0"))
    with expect_error("NoSuchFieldLevelEncryptionConfig", 404):
        cf.create_distribution(DistributionConfig=unknown)

    # Updating the config renews the distribution that uses it.
    etag_before = cf.get_distribution(Id=dist["Id"])["ETag"]
    cf.update_field_level_encryption_config(Id=config_id, IfMatch=config["ETag"], FieldLevelEncryptionConfig=dict(
        config["FieldLevelEncryption"]["FieldLevelEncryptionConfig"], Comment="renew"))
    assert cf.get_distribution(Id=dist["Id"])["ETag"] != etag_before
