"""Signed URLs and signed cookies at the edge (issue 17): a behavior with TrustedKeyGroups (or
legacy TrustedSigners) serves only requests signed with a private key whose public key it trusts.

Key pairs are made here (python3-cryptography), the public keys and key groups with boto3, and
the URLs and cookies are signed by real signers: botocore's CloudFrontSigner and
@aws-sdk/cloudfront-signer (tests/e2e/js/cloudfront_sign.mjs); the origin is a real HTTP server."""

import base64
import datetime
import json
import shutil
import subprocess
import urllib.parse

import pytest
import requests
from botocore.signers import CloudFrontSigner
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

import e2e_util as u
from edge_fixtures import edge_fixtures
from test_edge import custom_origin, edge_config

ORIGIN_DOMAIN = "origin.signed.test"
JS_SIGNER = u.REPO / "tests" / "e2e" / "js" / "cloudfront_sign.mjs"
MISSING_KEY = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>MissingKey</Code>'
               "<Message>Missing Key-Pair-Id query parameter or cookie value</Message></Error>")


origin, em, edge_url, cf = edge_fixtures(ORIGIN_DOMAIN)


class KeyPair:
    """A private key made here and its public key uploaded with boto3 (RSA 2048 or ECDSA P-256)."""

    def __init__(self, cf, ecdsa=False):
        self.private = ec.generate_private_key(ec.SECP256R1()) if ecdsa else rsa.generate_private_key(65537, 2048)
        self.ecdsa = ecdsa
        pem = self.private.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo)
        self.id = cf.create_public_key(PublicKeyConfig={
            "CallerReference": u.unique_ref("pk"), "Name": u.unique_ref("key")[:60],
            "EncodedKey": pem.decode()})["PublicKey"]["Id"]
        self.private_pem = self.private.private_bytes(serialization.Encoding.PEM,
                                                      serialization.PrivateFormat.PKCS8,
                                                      serialization.NoEncryption()).decode()

    def sign(self, message, sha256=False):
        digest = hashes.SHA256() if sha256 else hashes.SHA1()
        if self.ecdsa:
            return self.private.sign(message, ec.ECDSA(digest))
        return self.private.sign(message, padding.PKCS1v15(), digest)

    def botocore_signer(self):
        return CloudFrontSigner(self.id, self.sign)


def key_group(cf, *keys):
    return cf.create_key_group(KeyGroupConfig={"Name": u.unique_ref("kg")[:60],
                                               "Items": [key.id for key in keys]})["KeyGroup"]["Id"]


def private_behavior(pattern="/private/*", **trust):
    """A behavior that caches by the whole query string (legacy ForwardedValues), so a test sees
    which parameters reach the origin and the cache key."""
    behavior = {"PathPattern": pattern, "TargetOriginId": "site", "ViewerProtocolPolicy": "allow-all",
                "ForwardedValues": {"QueryString": True, "Cookies": {"Forward": "none"}},
                "MinTTL": 0, "DefaultTTL": 3600, "MaxTTL": 86400}
    behavior.update(trust)
    return behavior


def trusting_groups(*group_ids):
    return {"TrustedKeyGroups": {"Enabled": True, "Quantity": len(group_ids), "Items": list(group_ids)}}


def distribution(cf, *behaviors):
    config = edge_config(behaviors=list(behaviors), origins=[custom_origin("site", ORIGIN_DOMAIN)])
    return cf.create_distribution(DistributionConfig=config)["Distribution"]


def now(em):
    return em.clock()["now_ms"] // 1000


def at(epoch):
    return datetime.datetime.utcfromtimestamp(epoch)


def fetch(edge_url, signed_url, headers=None):
    """GET a signed URL (scheme://domain/path?query) through the edge, Host = its domain."""
    parts = urllib.parse.urlsplit(signed_url)
    target = parts.path + ("?" + parts.query if parts.query else "")
    return requests.get(edge_url + target, headers={"Host": parts.netloc, **(headers or {})},
                        allow_redirects=False, timeout=20)


def assert_denied(answer, code, message):
    assert answer.status_code == 403, answer.text
    assert answer.text == (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
                           f"<Message>{message}</Message></Error>")
    assert answer.headers["Content-Type"] == "text/xml"
    assert answer.headers["X-Cache"] == "Error from cloudfront"
    assert answer.headers["Server"] == "CloudFront"


def url_safe_b64(data):
    return base64.b64encode(data).decode().replace("+", "-").replace("=", "_").replace("/", "~")


def js_sign(**request):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed (tests/e2e/js needs Node.js >= 20)", pytrace=False)
    if not (JS_SIGNER.parent / "node_modules" / "@aws-sdk" / "cloudfront-signer").is_dir():
        pytest.fail("@aws-sdk/cloudfront-signer is not installed: run `npm ci` in tests/e2e/js", pytrace=False)
    done = subprocess.run([node, str(JS_SIGNER)], input=json.dumps(request), capture_output=True, text=True,
                          cwd=JS_SIGNER.parent, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_canned_url_serves_and_the_signing_parameters_stay_at_the_edge(cf, em, edge_url, origin):
    key = KeyPair(cf)
    dist = distribution(cf, private_behavior(**trusting_groups(key_group(cf, key))))
    url = f"http://{dist['DomainName']}/private/canned.txt?size=large"
    signed = key.botocore_signer().generate_presigned_url(url, date_less_than=at(now(em) + 600))
    assert "Expires=" in signed and "Signature=" in signed and "Key-Pair-Id=" + key.id in signed
    answer = fetch(edge_url, signed)
    assert answer.status_code == 200, answer.text
    assert answer.headers["X-Cache"] == "Miss from cloudfront"
    assert answer.json()["path"] == "/private/canned.txt?size=large"  # no Expires, Signature, Key-Pair-Id
    # Another signature for the same URL is the same object: the signing parameters are not in the key.
    again = key.botocore_signer().generate_presigned_url(url, date_less_than=at(now(em) + 900))
    assert again != signed
    assert fetch(edge_url, again).headers["X-Cache"] == "Hit from cloudfront"


def test_unsigned_request_is_missing_key_and_other_behaviors_are_open(cf, edge_url):
    key = KeyPair(cf)
    dist = distribution(cf, private_behavior(**trusting_groups(key_group(cf, key))))
    answer = fetch(edge_url, f"http://{dist['DomainName']}/private/nosig.txt")
    assert_denied(answer, "MissingKey", "Missing Key-Pair-Id query parameter or cookie value")
    assert answer.text == MISSING_KEY
    # The default behavior trusts no key group: unsigned requests pass.
    assert fetch(edge_url, f"http://{dist['DomainName']}/public.txt").status_code == 200


def test_an_expired_url_is_denied_once_the_clock_passes_it_even_when_cached(cf, em, edge_url):
    key = KeyPair(cf)
    dist = distribution(cf, private_behavior(**trusting_groups(key_group(cf, key))))
    signed = key.botocore_signer().generate_presigned_url(f"http://{dist['DomainName']}/private/expiring.txt",
                                                          date_less_than=at(now(em) + 600))
    assert fetch(edge_url, signed).status_code == 200
    assert fetch(edge_url, signed).headers["X-Cache"] == "Hit from cloudfront"
    em.advance_clock(601)
    assert_denied(fetch(edge_url, signed), "AccessDenied", "Access denied")


def test_custom_policy_with_a_wildcard_resource_and_an_ip_range(cf, em, edge_url):
    key = KeyPair(cf)
    dist = distribution(cf, private_behavior(**trusting_groups(key_group(cf, key))))
    domain = dist["DomainName"]
    signer = key.botocore_signer()
    policy = signer.build_policy(f"http://{domain}/private/videos/*", at(now(em) + 600),
                                 date_greater_than=at(now(em) - 60), ip_address="127.0.0.0/8")
    signed = signer.generate_presigned_url(f"http://{domain}/private/videos/a.mp4", policy=policy)
    assert "Policy=" in signed and "Expires=" not in signed
    assert fetch(edge_url, signed).status_code == 200
    # The same policy and signature cover every path under the wildcard ...
    query = urllib.parse.urlsplit(signed).query
    assert fetch(edge_url, f"http://{domain}/private/videos/deep/b.mp4?{query}").status_code == 200
    # ... and nothing outside it.
    assert_denied(fetch(edge_url, f"http://{domain}/private/images/c.jpg?{query}"), "AccessDenied", "Access denied")
    # A viewer outside the policy's IP range (the test connects from 127.0.0.1).
    elsewhere = signer.build_policy(f"http://{domain}/private/*", at(now(em) + 600), ip_address="10.0.0.0/8")
    assert_denied(fetch(edge_url, signer.generate_presigned_url(f"http://{domain}/private/v.mp4", policy=elsewhere)),
                  "AccessDenied", "Access denied")
    # Not valid yet: DateGreaterThan in the future.
    later = signer.build_policy(f"http://{domain}/private/*", at(now(em) + 600), date_greater_than=at(now(em) + 300))
    assert_denied(fetch(edge_url, signer.generate_presigned_url(f"http://{domain}/private/v.mp4", policy=later)),
                  "AccessDenied", "Access denied")


def test_tampered_and_unreadable_signatures_and_policies(cf, em, edge_url):
    key = KeyPair(cf)
    dist = distribution(cf, private_behavior(**trusting_groups(key_group(cf, key))))
    url = f"http://{dist['DomainName']}/private/t.txt"
    signed = key.botocore_signer().generate_presigned_url(url, date_less_than=at(now(em) + 600))
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(signed).query))
    signature = query["Signature"]
    flipped = signature[:20] + ("A" if signature[20] != "A" else "B") + signature[21:]
    assert_denied(fetch(edge_url, signed.replace(signature, flipped)), "AccessDenied", "Access denied")
    # A later Expires than the one signed.
    assert_denied(fetch(edge_url, signed.replace(f"Expires={query['Expires']}", f"Expires={int(query['Expires']) + 1}")),
                  "AccessDenied", "Access denied")
    assert_denied(fetch(edge_url, signed.replace(signature, "!!not-base64")), "MalformedSignature",
                  "Could not unencode Signature")
    garbage = f"{url}?Policy={url_safe_b64(b'not json')}&Signature={signature}&Key-Pair-Id={key.id}"
    assert_denied(fetch(edge_url, garbage), "MalformedPolicy", "Malformed Policy")


def test_a_key_outside_the_trusted_group_is_unknown(cf, em, edge_url):
    trusted, stranger = KeyPair(cf), KeyPair(cf)
    dist = distribution(cf, private_behavior(**trusting_groups(key_group(cf, trusted))))
    key_group(cf, stranger)  # in a group of the account, but not one this behavior trusts
    signed = stranger.botocore_signer().generate_presigned_url(f"http://{dist['DomainName']}/private/k.txt",
                                                               date_less_than=at(now(em) + 600))
    assert_denied(fetch(edge_url, signed), "InvalidKey", "Unknown Key")
    # The trusted key's id with the stranger's signature.
    assert_denied(fetch(edge_url, signed.replace(stranger.id, trusted.id)), "AccessDenied", "Access denied")


def test_signed_cookies_from_a_botocore_policy(cf, em, edge_url):
    key = KeyPair(cf)
    dist = distribution(cf, private_behavior(**trusting_groups(key_group(cf, key))))
    domain = dist["DomainName"]
    policy = key.botocore_signer().build_policy(f"http://{domain}/private/*", at(now(em) + 600)).encode()
    cookies = {"CloudFront-Policy": url_safe_b64(policy), "CloudFront-Signature": url_safe_b64(key.sign(policy)),
               "CloudFront-Key-Pair-Id": key.id}
    cookie_header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    answer = fetch(edge_url, f"http://{domain}/private/cookie.txt?x=1", headers={"Cookie": cookie_header})
    assert answer.status_code == 200, answer.text
    cookies["CloudFront-Signature"] = url_safe_b64(key.sign(policy + b" "))
    tampered = "; ".join(f"{name}={value}" for name, value in cookies.items())
    assert_denied(fetch(edge_url, f"http://{domain}/private/cookie.txt", headers={"Cookie": tampered}),
                  "AccessDenied", "Access denied")


def test_aws_sdk_js_cloudfront_signer_urls_and_cookies(cf, em, edge_url):
    key = KeyPair(cf)
    dist = distribution(cf, private_behavior(**trusting_groups(key_group(cf, key))))
    domain = dist["DomainName"]
    common = {"keyPairId": key.id, "privateKey": key.private_pem, "dateLessThan": now(em) + 600}
    canned = js_sign(url=f"http://{domain}/private/js.txt?a=b", **common)["url"]
    answer = fetch(edge_url, canned)
    assert answer.status_code == 200, answer.text
    assert answer.json()["path"] == "/private/js.txt?a=b"
    custom = js_sign(url=f"http://{domain}/private/js-custom.txt", ipAddress="127.0.0.1/32", algorithm="SHA256",
                     **common)["url"]
    assert "Policy=" in custom and "Hash-Algorithm=SHA256" in custom
    assert fetch(edge_url, custom).status_code == 200
    cookies = js_sign(url=f"http://{domain}/private/*", ipAddress="127.0.0.0/8", cookies=True, **common)["cookies"]
    cookie_header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    assert fetch(edge_url, f"http://{domain}/private/jar.txt", headers={"Cookie": cookie_header}).status_code == 200
    # Canned cookies (CloudFront-Expires) stand for the URL requested.
    canned_cookies = js_sign(url=f"http://{domain}/private/one.txt", cookies=True, **common)["cookies"]
    assert "CloudFront-Expires" in canned_cookies
    header = "; ".join(f"{name}={value}" for name, value in canned_cookies.items())
    assert fetch(edge_url, f"http://{domain}/private/one.txt", headers={"Cookie": header}).status_code == 200
    assert_denied(fetch(edge_url, f"http://{domain}/private/two.txt", headers={"Cookie": header}),
                  "AccessDenied", "Access denied")


def test_ecdsa_keys_sign_with_both_signers(cf, em, edge_url):
    key = KeyPair(cf, ecdsa=True)
    dist = distribution(cf, private_behavior(**trusting_groups(key_group(cf, key))))
    domain = dist["DomainName"]
    signed = key.botocore_signer().generate_presigned_url(f"http://{domain}/private/ec.txt",
                                                          date_less_than=at(now(em) + 600))
    assert fetch(edge_url, signed).status_code == 200
    js = js_sign(url=f"http://{domain}/private/ec-js.txt", keyPairId=key.id, privateKey=key.private_pem,
                 dateLessThan=now(em) + 600)["url"]
    assert fetch(edge_url, js).status_code == 200
    # The ECDSA signature of another policy (a later Expires) does not verify.
    later = key.botocore_signer().generate_presigned_url(f"http://{domain}/private/ec.txt",
                                                         date_less_than=at(now(em) + 700))
    forged = signed.split("&Signature=")[0] + "&Signature=" + later.split("&Signature=")[1]
    assert_denied(fetch(edge_url, forged), "AccessDenied", "Access denied")


def test_legacy_trusted_signers_trust_the_accounts_public_keys(cf, em, edge_url):
    key = KeyPair(cf)  # in no key group: TrustedSigners "self" takes any public key of the account
    trust = {"TrustedSigners": {"Enabled": True, "Quantity": 1, "Items": ["self"]}}
    dist = distribution(cf, private_behavior(**trust))
    signed = key.botocore_signer().generate_presigned_url(f"http://{dist['DomainName']}/private/legacy.txt",
                                                          date_less_than=at(now(em) + 600))
    assert fetch(edge_url, signed).status_code == 200
    assert_denied(fetch(edge_url, signed.replace(key.id, "K2JCJMDEHXQW5F")), "InvalidKey", "Unknown Key")


def test_the_path_form_signs_for_the_distributions_domain(cf, em, edge_url):
    key = KeyPair(cf)
    dist = distribution(cf, private_behavior(**trusting_groups(key_group(cf, key))))
    signed = key.botocore_signer().generate_presigned_url(f"http://{dist['DomainName']}/private/p.txt",
                                                          date_less_than=at(now(em) + 600))
    query = urllib.parse.urlsplit(signed).query
    answer = requests.get(f"{edge_url}/_edge/{dist['Id']}/private/p.txt?{query}", timeout=20)
    assert answer.status_code == 200, answer.text
    assert_denied(requests.get(f"{edge_url}/_edge/{dist['Id']}/private/p.txt", timeout=20),
                  "MissingKey", "Missing Key-Pair-Id query parameter or cookie value")


def test_a_key_group_change_reaches_viewers_once_its_distributions_deploy(start_emulator, origin, account):
    """Removing a key from a key group renews the distributions that trust it (InProgress): until they
    deploy, viewers are judged by the group as it was; then the removed key is unknown."""
    em = start_emulator("--propagation-delay", "600", "--origin-address", f"{ORIGIN_DOMAIN}=127.0.0.1:{origin.port}")
    cf = u.make_client(em.url, account)
    edge = "http://" + em.health()["edge"]["http"]
    old, new = KeyPair(cf), KeyPair(cf)
    made = cf.create_key_group(KeyGroupConfig={"Name": u.unique_ref("kg")[:60], "Items": [old.id]})
    group_id, group_etag = made["KeyGroup"]["Id"], made["ETag"]
    dist = distribution(cf, private_behavior(**trusting_groups(group_id)))
    em.advance_clock(601)

    def signed_by(key, name):
        return key.botocore_signer().generate_presigned_url(f"http://{dist['DomainName']}/private/{name}",
                                                            date_less_than=at(now(em) + 6000))

    assert fetch(edge, signed_by(old, "a.txt")).status_code == 200
    cf.update_key_group(Id=group_id, IfMatch=group_etag, KeyGroupConfig={
        "Name": made["KeyGroup"]["KeyGroupConfig"]["Name"], "Items": [new.id]})
    assert cf.get_distribution(Id=dist["Id"])["Distribution"]["Status"] == "InProgress"
    assert fetch(edge, signed_by(old, "b.txt")).status_code == 200
    assert_denied(fetch(edge, signed_by(new, "c.txt")), "InvalidKey", "Unknown Key")
    em.advance_clock(601)
    assert cf.get_distribution(Id=dist["Id"])["Distribution"]["Status"] == "Deployed"
    assert_denied(fetch(edge, signed_by(old, "d.txt")), "InvalidKey", "Unknown Key")
    assert fetch(edge, signed_by(new, "e.txt")).status_code == 200
