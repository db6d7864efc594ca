"""Field-level encryption at the edge (issue 17): a behavior whose FieldLevelEncryptionId names a
config has the profile's fields of a form POST encrypted with the profile's public key before the
body reaches the origin.

The key pair is made here (python3-cryptography), the public key, profiles, configs and
distributions with boto3; the origin is a real HTTP server that records what it received, and the
encrypted values are decrypted by a real decrypter: the AWS Encryption SDK for JavaScript
(@aws-crypto/client-node, tests/e2e/js/fle_decrypt.mjs) with the private key."""

import base64
import json
import shutil
import subprocess
import urllib.parse
import warnings

import pytest
import requests

import e2e_util as u
from edge_fixtures import edge_fixtures
from test_edge import custom_origin, edge_config
from test_edge_signed import KeyPair  # an RSA 2048 key pair, its public key uploaded

ORIGIN_DOMAIN = "origin.fle.test"
JS_DECRYPTER = u.REPO / "tests" / "e2e" / "js" / "fle_decrypt.mjs"
FORM = "application/x-www-form-urlencoded"
ALL_METHODS = {"Quantity": 7, "Items": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
               "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]}}


origin, em, edge_url, cf = edge_fixtures(ORIGIN_DOMAIN)


def flags(origin):
    return ["--origin-address", f"{ORIGIN_DOMAIN}=127.0.0.1:{origin.port}"]


def profile(cf, key, provider, *patterns):
    return cf.create_field_level_encryption_profile(FieldLevelEncryptionProfileConfig={
        "Name": u.unique_ref("prof")[:60], "CallerReference": u.unique_ref("prof"),
        "EncryptionEntities": {"Quantity": 1, "Items": [{
            "PublicKeyId": key.id, "ProviderId": provider,
            "FieldPatterns": {"Quantity": len(patterns), "Items": list(patterns)}}]}})[
        "FieldLevelEncryptionProfile"]["Id"]


def fle_config(form_profile, query_profiles=None, forward_unknown_type=False, forward_unknown_profile=False):
    query_profiles = query_profiles or {}
    return {
        "CallerReference": u.unique_ref("fle"), "Comment": "e2e",
        "QueryArgProfileConfig": {
            "ForwardWhenQueryArgProfileIsUnknown": forward_unknown_profile,
            "QueryArgProfiles": {"Quantity": len(query_profiles), "Items": [
                {"QueryArg": arg, "ProfileId": profile_id} for arg, profile_id in query_profiles.items()]}},
        "ContentTypeProfileConfig": {
            "ForwardWhenContentTypeIsUnknown": forward_unknown_type,
            "ContentTypeProfiles": {"Quantity": 1, "Items": [
                {"Format": "URLEncoded", "ProfileId": form_profile, "ContentType": FORM}]}}}


def distribution(cf, config_id):
    """/forms/* encrypts with the config (HTTPS only, as CloudFront requires); the rest does not."""
    behavior = {"PathPattern": "/forms/*", "TargetOriginId": "site", "ViewerProtocolPolicy": "https-only",
                "CachePolicyId": u.CACHING_OPTIMIZED, "AllowedMethods": ALL_METHODS,
                "FieldLevelEncryptionId": config_id}
    config = edge_config(behaviors=[behavior], origins=[custom_origin("site", ORIGIN_DOMAIN)])
    config["DefaultCacheBehavior"]["AllowedMethods"] = ALL_METHODS
    return cf.create_distribution(DistributionConfig=config)["Distribution"]


def encrypting_distribution(cf, key, provider, *patterns):
    """A distribution whose /forms/* encrypts the patterns' fields with key (one profile, mapped
    to form bodies by a strict config)."""
    profile_id = profile(cf, key, provider, *patterns)
    config_id = cf.create_field_level_encryption_config(
        FieldLevelEncryptionConfig=fle_config(profile_id))["FieldLevelEncryption"]["Id"]
    return distribution(cf, config_id)


def https_url(em, path):
    return "https://" + em.health()["edge"]["https"] + path


def send(em, method, domain, path, body=None, content_type=FORM):
    """A viewer over HTTPS (the edge's own certificate is not what this test is about)."""
    headers = {"Host": domain}
    if content_type:
        headers["Content-Type"] = content_type
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return requests.request(method, https_url(em, path), data=body, headers=headers, verify=False, timeout=20)


def received_form(origin):
    """The last body the origin received, as (name, raw value) pairs in order."""
    body = origin.received[-1]["body"]
    return [tuple(pair.split("=", 1)) for pair in body.split("&")]


def decrypt(key, provider, *encoded_values):
    """Decrypts form values (percent-encoded base64) with the AWS Encryption SDK for JavaScript."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed (tests/e2e/js needs Node.js >= 20)", pytrace=False)
    if not (JS_DECRYPTER.parent / "node_modules" / "@aws-crypto" / "client-node").is_dir():
        pytest.fail("@aws-crypto/client-node is not installed: run `npm ci` in tests/e2e/js", pytrace=False)
    request = {"privateKey": key.private_pem, "keyNamespace": provider, "keyName": key.id,
               "values": [urllib.parse.unquote_plus(value) for value in encoded_values]}
    done = subprocess.run([node, str(JS_DECRYPTER)], input=json.dumps(request), capture_output=True, text=True,
                          cwd=JS_DECRYPTER.parent, timeout=60)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert "plaintexts" in answer, answer
    return answer["plaintexts"]


def assert_refused(answer, status):
    assert answer.status_code == status, answer.text
    assert answer.headers["X-Cache"] == "Error from cloudfront"


def test_the_configured_fields_arrive_encrypted_and_decrypt_to_what_the_viewer_sent(cf, em, origin):
    key = KeyPair(cf)
    dist = encrypting_distribution(cf, key, "payments", "card", "cvv*")
    body = "name=Jane+Doe&card=4111+1111+1111+1111&cvv2=123&Card=kept&note=a%26b"
    answer = send(em, "POST", dist["DomainName"], "/forms/pay?x=1", body)
    assert answer.status_code == 200, answer.text
    fields = received_form(origin)
    assert [name for name, _ in fields] == ["name", "card", "cvv2", "Card", "note"]
    assert fields[0] == ("name", "Jane+Doe") and fields[3] == ("Card", "kept") and fields[4] == ("note", "a%26b")
    card, cvv = fields[1][1], fields[2][1]
    assert "4111" not in card and card != cvv
    assert base64.b64decode(urllib.parse.unquote(card))[:4] == b"\x01\x80\x01\x78"  # ESDK v1, suite 0x0178
    assert decrypt(key, "payments", card, cvv) == ["4111 1111 1111 1111", "123"]
    # Another provider id is another key namespace: the decrypter finds no key for it.
    request = {"privateKey": key.private_pem, "keyNamespace": "other", "keyName": key.id,
               "values": [urllib.parse.unquote(card)]}
    done = subprocess.run([shutil.which("node"), str(JS_DECRYPTER)], input=json.dumps(request),
                          capture_output=True, text=True, cwd=JS_DECRYPTER.parent, timeout=60)
    assert "errors" in json.loads(done.stdout)


def test_gets_other_behaviors_and_other_methods_pass_untouched(cf, em, origin):
    dist = encrypting_distribution(cf, KeyPair(cf), "payments", "card")
    body = "card=4111&name=x"
    assert send(em, "POST", dist["DomainName"], "/other", body).status_code == 200  # no config on this behavior
    assert origin.received[-1]["body"] == body
    assert send(em, "PUT", dist["DomainName"], "/forms/put", body).status_code == 200
    assert origin.received[-1]["body"] == body
    answer = send(em, "GET", dist["DomainName"], "/forms/get", content_type=None)
    assert answer.status_code == 200  # a GET has no body to encrypt and is not refused
    assert origin.received[-1]["method"] == "GET" and origin.received[-1]["path"] == "/forms/get"


def test_unknown_content_type_and_unknown_profile_answer_as_configured(cf, em, origin):
    key = KeyPair(cf)
    form_profile = profile(cf, key, "form", "card")
    cards_profile = profile(cf, key, "cards", "pan")
    strict_id = cf.create_field_level_encryption_config(FieldLevelEncryptionConfig=fle_config(
        form_profile, {"cards": cards_profile}))["FieldLevelEncryption"]["Id"]
    lenient_id = cf.create_field_level_encryption_config(FieldLevelEncryptionConfig=fle_config(
        form_profile, {"cards": cards_profile}, forward_unknown_type=True,
        forward_unknown_profile=True))["FieldLevelEncryption"]["Id"]
    strict, lenient = distribution(cf, strict_id), distribution(cf, lenient_id)

    # fle-profile wins over the content type: the "cards" profile encrypts pan, not card.
    answer = send(em, "POST", strict["DomainName"], "/forms/a?fle-profile=cards", "card=1&pan=4111")
    assert answer.status_code == 200, answer.text
    fields = dict(received_form(origin))
    assert fields["card"] == "1"
    assert decrypt(key, "cards", fields["pan"]) == ["4111"]

    sent = len(origin.received)
    assert_refused(send(em, "POST", strict["DomainName"], "/forms/a", '{"card":"4111"}', "application/json"), 400)
    assert_refused(send(em, "POST", strict["DomainName"], "/forms/a?fle-profile=nope", "card=4111"), 400)
    assert len(origin.received) == sent  # refused at the edge

    for target, content_type in (("/forms/a", "application/json"), ("/forms/a?fle-profile=nope", FORM)):
        answer = send(em, "POST", lenient["DomainName"], target, "card=4111", content_type)
        assert answer.status_code == 200, answer.text
        assert origin.received[-1]["body"] == "card=4111"  # forwarded unencrypted


def test_oversized_and_malformed_bodies_are_refused(cf, em, origin):
    dist = encrypting_distribution(cf, KeyPair(cf), "payments", "card")
    sent = len(origin.received)
    assert_refused(send(em, "POST", dist["DomainName"], "/forms/a", "card=1&pad=" + "x" * (1 << 20)), 413)
    assert_refused(send(em, "POST", dist["DomainName"], "/forms/a", "card=%zz"), 400)
    assert_refused(send(em, "POST", dist["DomainName"], "/forms/a", "card=" + "9" * (16 * 1024 + 1)), 400)
    eleven = "&".join(f"card={i}" for i in range(11))  # more than 10 fields to encrypt
    assert_refused(send(em, "POST", dist["DomainName"], "/forms/a", eleven), 400)
    assert len(origin.received) == sent
    ten = "&".join(f"card={i}" for i in range(10))
    assert send(em, "POST", dist["DomainName"], "/forms/a", ten).status_code == 200


def test_a_config_change_takes_effect_once_deployed_on_the_clock(start_emulator, origin, account):
    em = start_emulator("--propagation-delay", "600", *flags(origin))
    cf = u.make_client(em.url, account)
    key = KeyPair(cf)
    card_profile = profile(cf, key, "payments", "card")
    pan_profile = profile(cf, key, "payments", "pan")
    made = cf.create_field_level_encryption_config(FieldLevelEncryptionConfig=fle_config(card_profile))
    config_id = made["FieldLevelEncryption"]["Id"]
    dist = distribution(cf, config_id)
    em.advance_clock(601)
    # One update of the distribution first: a renewal (by the config's update below) of a
    # distribution never updated before loses its deployed config at the edge while it
    # propagates (an engine limitation of renewals, not of field-level encryption).
    got = cf.get_distribution_config(Id=dist["Id"])
    got["DistributionConfig"]["Comment"] = "updated once"
    cf.update_distribution(Id=dist["Id"], IfMatch=got["ETag"], DistributionConfig=got["DistributionConfig"])
    em.advance_clock(601)
    assert send(em, "POST", dist["DomainName"], "/forms/a", "card=1&pan=2").status_code == 200
    fields = dict(received_form(origin))
    assert fields["pan"] == "2" and fields["card"] != "1"

    current = cf.get_field_level_encryption_config(Id=config_id)
    changed = fle_config(pan_profile)
    changed["CallerReference"] = current["FieldLevelEncryptionConfig"]["CallerReference"]
    cf.update_field_level_encryption_config(Id=config_id, IfMatch=current["ETag"],
                                            FieldLevelEncryptionConfig=changed)
    assert cf.get_distribution(Id=dist["Id"])["Distribution"]["Status"] == "InProgress"
    # Still the deployed config while the change propagates ...
    assert send(em, "POST", dist["DomainName"], "/forms/b", "card=1&pan=2").status_code == 200
    assert origin.received[-1]["path"] == "/forms/b"
    fields = dict(received_form(origin))
    assert fields["pan"] == "2" and fields["card"] != "1"
    em.advance_clock(601)
    # ... and the new one once the distribution is Deployed again.
    assert cf.get_distribution(Id=dist["Id"])["Distribution"]["Status"] == "Deployed"
    assert send(em, "POST", dist["DomainName"], "/forms/c", "card=1&pan=2").status_code == 200
    assert origin.received[-1]["path"] == "/forms/c"
    fields = dict(received_form(origin))
    assert fields["card"] == "1"
    assert decrypt(key, "payments", fields["pan"]) == ["2"]
