"""Every Authorization form names the account: SigV4, SigV4A (AWS4-ECDSA-P256-SHA256), SigV2
(`AWS KEY:SIG`) and presigned query strings (X-Amz-Credential=, AWSAccessKeyId=). Each request is
signed by botocore's own signer for that form (the CRT ones by Debian's python3-awscrt). A request
signed in a header form creates a distribution, which must belong to the 12-digit access key's
account: listed by a SigV4 client of that account, absent from the default account, journalled
under it. A presigned URL (a GET, as presigned URLs are used) reads a distribution of its key's
account, and answers 404 with another account's key."""

import pytest
import requests
from botocore.auth import HmacV1Auth, HmacV1QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import e2e_util as u

PATH = "/2020-05-31/distribution"


def crt_signers():
    from botocore.crt.auth import CrtSigV4AsymAuth, CrtSigV4AsymQueryAuth  # python3-awscrt
    return CrtSigV4AsymAuth, CrtSigV4AsymQueryAuth


def sign(form, url, key, body=None, path=PATH):
    """A prepared request signed in `form` by botocore's signer for it: POST path with body, or GET
    path without one."""
    creds = Credentials(key, "secret-of-" + key)
    if body is None:
        request = AWSRequest(method="GET", url=url + path)
    else:
        request = AWSRequest(method="POST", url=url + path, data=body,
                             headers={"Content-Type": "application/xml"})
    if form == "sigv4":
        SigV4Auth(creds, "cloudfront", "us-east-1").add_auth(request)
    elif form == "sigv4a":
        crt_signers()[0](creds, "cloudfront", "*").add_auth(request)
    elif form == "sigv2":
        HmacV1Auth(creds).add_auth(request)
    elif form == "presigned-sigv4":
        SigV4QueryAuth(creds, "cloudfront", "us-east-1", expires=300).add_auth(request)
    elif form == "presigned-sigv4a":
        crt_signers()[1](creds, "cloudfront", "*", expires=300).add_auth(request)
    elif form == "presigned-sigv2":
        HmacV1QueryAuth(creds, expires=300).add_auth(request)
    return request.prepare()


def expected_marker(form, prepared, key):
    """What the signed request carries: so the test fails if a signer changes its form."""
    auth = prepared.headers.get("Authorization", "")
    return {
        "sigv4": auth.startswith(f"AWS4-HMAC-SHA256 Credential={key}/"),
        "sigv4a": auth.startswith(f"AWS4-ECDSA-P256-SHA256 Credential={key}/"),
        "sigv2": auth.startswith(f"AWS {key}:"),
        "presigned-sigv4": not auth and f"X-Amz-Credential={key}%2F" in prepared.url,
        "presigned-sigv4a": not auth and f"X-Amz-Credential={key}%2F" in prepared.url
                            and "AWS4-ECDSA-P256-SHA256" in prepared.url,
        "presigned-sigv2": not auth and f"AWSAccessKeyId={key}" in prepared.url,
    }[form]


HEADER_FORMS = ["sigv4", "sigv4a", "sigv2"]
PRESIGNED_FORMS = ["presigned-sigv4", "presigned-sigv4a", "presigned-sigv2"]


@pytest.mark.parametrize("form", HEADER_FORMS)
def test_each_authorization_header_form_acts_for_the_access_keys_account(form, url, new_account, make_client):
    account = new_account()
    body = u.serialize_body("CreateDistribution", {"DistributionConfig": u.dist_config(comment=form)})
    prepared = sign(form, url, account, body)
    assert expected_marker(form, prepared, account), (prepared.url, dict(prepared.headers))

    answer = requests.post(prepared.url, data=body, headers=dict(prepared.headers), timeout=10)
    assert answer.status_code == 201, answer.text
    dist_id = answer.headers["Location"].rsplit("/", 1)[-1]
    request_id = answer.headers["x-amzn-RequestId"]

    mine = make_client(account).list_distributions()["DistributionList"].get("Items", [])
    assert [d["Id"] for d in mine] == [dist_id]
    default = make_client(u.DEFAULT_ACCOUNT).list_distributions()["DistributionList"].get("Items", [])
    assert dist_id not in [d["Id"] for d in default]

    journal = requests.get(url + "/_emulator/requests", params={"account": account}, timeout=10).json()
    assert [c["request_id"] for c in journal["requests"]
            if c["operation"] == "CreateDistribution"] == [request_id]


@pytest.mark.parametrize("form", PRESIGNED_FORMS)
def test_each_presigned_url_form_reads_in_the_access_keys_account(form, url, new_account, make_client):
    owner, stranger = new_account(), new_account()
    dist_id = make_client(owner).create_distribution(
        DistributionConfig=u.dist_config(comment=form))["Distribution"]["Id"]
    path = f"{PATH}/{dist_id}"

    prepared = sign(form, url, owner, path=path)
    assert expected_marker(form, prepared, owner), prepared.url
    answer = requests.get(prepared.url, headers=dict(prepared.headers), timeout=10)
    assert answer.status_code == 200, answer.text
    assert f"<Id>{dist_id}</Id>" in answer.text

    prepared = sign(form, url, stranger, path=path)
    answer = requests.get(prepared.url, headers=dict(prepared.headers), timeout=10)
    u.assert_raw_error(answer, 404, "NoSuchDistribution")
    journal = requests.get(url + "/_emulator/requests", params={"account": stranger}, timeout=10).json()
    assert [(c["operation"], c["status"]) for c in journal["requests"]] == [("GetDistribution", 404)]


@pytest.mark.parametrize("form", ["sigv4", "sigv2"])
def test_a_key_that_is_not_an_account_id_acts_for_the_default_account(form, url, make_client):
    body = u.serialize_body("CreateDistribution", {"DistributionConfig": u.dist_config(comment=form)})
    prepared = sign(form, url, "AKIAIOSFODNN7EXAMPLE", body)
    answer = requests.post(prepared.url, data=body, headers=dict(prepared.headers), timeout=10)
    assert answer.status_code == 201, answer.text
    dist_id = answer.headers["Location"].rsplit("/", 1)[-1]
    default = make_client(u.DEFAULT_ACCOUNT)
    assert default.get_distribution(Id=dist_id)["Distribution"]["Id"] == dist_id
    etag = default.get_distribution_config(Id=dist_id)["ETag"]
    config = default.get_distribution_config(Id=dist_id)["DistributionConfig"] | {"Enabled": False}
    etag = default.update_distribution(Id=dist_id, IfMatch=etag, DistributionConfig=config)["ETag"]
    requests.post(url + "/_emulator/settle", json={"id": dist_id}, timeout=10).raise_for_status()
    default.delete_distribution(Id=dist_id, IfMatch=etag)  # leave the shared default account clean
