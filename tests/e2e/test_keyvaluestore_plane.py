"""The KeyValueStore data plane (service cloudfront-keyvaluestore, rest-json) on the emulator's port.

boto3 gets the model from the repository's documentation-free copy (emulator/model/botocore) and
signs with SigV4A (python3-awscrt); its endpoint rules put the account in front of the host
(123456789012.localhost:PORT), which this machine need not resolve, so a hook sends each request
to the emulator's address with the Host header as signed. The operations themselves, on stores
that exist, are in test_functions.py; here, an ARN naming no store of the caller's account.
"""

import json
import os

import boto3
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from urllib.parse import quote, urlsplit, urlunsplit

import e2e_util as u

DATA_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                         "emulator", "model", "botocore")
ARN = "arn:aws:cloudfront::123456789012:key-value-store/0e8a6e3c-1b1d-4e7f-9c6a-1e2b3c4d5e6f"
KVS_PATH = "/key-value-stores/" + quote(ARN, safe="")


def kvs_client(url, access_key, secret="x"):
    session = boto3.session.Session()
    session._session.get_component("data_loader").search_paths.insert(0, DATA_PATH)
    client = session.client("cloudfront-keyvaluestore", endpoint_url=url, region_name="us-east-1",
                            aws_access_key_id=access_key, aws_secret_access_key=secret,
                            config=Config(retries={"max_attempts": 1}))
    target = urlsplit(url).netloc

    def to_emulator(request, **_):
        parts = urlsplit(request.url)
        request.url = urlunsplit(parts._replace(netloc=target))

    client.meta.events.register("before-send", to_emulator)
    return client


OPERATIONS = {
    "DescribeKeyValueStore": lambda c: c.describe_key_value_store(KvsARN=ARN),
    "GetKey": lambda c: c.get_key(KvsARN=ARN, Key="k"),
    "ListKeys": lambda c: c.list_keys(KvsARN=ARN, MaxResults=10),
    "PutKey": lambda c: c.put_key(KvsARN=ARN, Key="k", Value="v", IfMatch="E1"),
    "DeleteKey": lambda c: c.delete_key(KvsARN=ARN, Key="k", IfMatch="E1"),
    "UpdateKeys": lambda c: c.update_keys(KvsARN=ARN, IfMatch="E1", Puts=[{"Key": "a", "Value": "b"}]),
}


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_every_operation_on_an_unknown_store_answers_a_json_404(url, account, operation):
    client = kvs_client(url, account)
    sent = []
    client.meta.events.register("before-send", lambda request, **_: sent.append(request))
    with pytest.raises(ClientError) as ei:
        OPERATIONS[operation](client)
    response = ei.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 404, response
    assert response["Error"]["Code"] == "ResourceNotFoundException", response
    assert ARN in response["Error"]["Message"], response
    assert response["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "application/json"
    assert sent[0].headers["Authorization"].startswith(b"AWS4-ECDSA-P256-SHA256 ")  # SigV4A
    assert sent[0].headers["host"].startswith(b"123456789012.")


def test_the_sigv4a_access_key_picks_the_account(url, account):
    with pytest.raises(ClientError):
        kvs_client(url, account).get_key(KvsARN=ARN, Key="journal-probe")
    calls = requests.get(f"{url}/_emulator/requests", params={"account": account}, timeout=10).json()
    entries = calls.get("requests", calls) if isinstance(calls, dict) else calls
    assert any(e.get("operation") == "GetKey" and e.get("account") == account for e in entries), calls


def test_unknown_paths_of_the_data_plane_answer_json(raw):
    r = raw.request("PATCH", KVS_PATH + "/keys/k")
    assert r.status_code == 404, r.text
    assert r.headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert r.headers["Content-Type"] == "application/json"
    body = r.json()
    assert body["__type"] == "UnknownOperationException"
    assert "PATCH" in body["message"]
    # CloudFront's own paths still answer XML.
    r = raw.request("PATCH", "/2020-05-31/distribution")
    assert r.status_code == 404 and r.headers["Content-Type"] == "text/xml"
    assert u.parse_error(r)["code"] == "UnknownOperation"


# --------------------------------------------------------------------------------------------
# --verify-signatures: the scope's service is the routed operation's
# --------------------------------------------------------------------------------------------

KEY, SECRET = "AKIACFLOCALKVS000001", "kvs-secret"


@pytest.fixture(scope="module")
def verifying():
    em = u.Emulator("--verify-signatures", "--credentials", f"{KEY}:{SECRET}:111122223333")
    yield em
    assert em.stop() == 0


def signed(url, method, path, service, secret=SECRET, body=b""):
    request = AWSRequest(method=method, url=url + path, data=body)
    SigV4Auth(Credentials(KEY, secret), service, "us-east-1").add_auth(request)
    return requests.request(method, url + path, data=body, headers=dict(request.headers.items()), timeout=10)


def test_sigv4_scoped_to_the_data_plane_passes(verifying):
    r = signed(verifying.url, "GET", KVS_PATH, "cloudfront-keyvaluestore")
    assert r.status_code == 404, r.text
    assert r.json()["__type"] == "ResourceNotFoundException"


def test_a_scope_for_the_other_service_is_refused_in_each_format(verifying):
    r = signed(verifying.url, "GET", KVS_PATH, "cloudfront")
    assert r.status_code == 403, r.text
    assert r.headers["x-amzn-ErrorType"] == "SignatureDoesNotMatch"
    assert r.json()["message"] == "Credential should be scoped to correct service: 'cloudfront-keyvaluestore'. "
    r = signed(verifying.url, "GET", "/2020-05-31/distribution", "cloudfront-keyvaluestore")
    err = u.assert_raw_error(r, 403, "SignatureDoesNotMatch")
    assert err["message"] == "Credential should be scoped to correct service: 'cloudfront'. "
    r = signed(verifying.url, "GET", KVS_PATH, "cloudfront-keyvaluestore", secret="wrong")
    assert r.status_code == 403 and r.json()["__type"] == "SignatureDoesNotMatch"


def test_boto3_sigv4a_is_verified(verifying):
    with pytest.raises(ClientError) as ei:
        kvs_client(verifying.url, KEY, SECRET).describe_key_value_store(KvsARN=ARN)
    assert ei.value.response["Error"]["Code"] == "ResourceNotFoundException", ei.value.response
    with pytest.raises(ClientError) as ei:
        kvs_client(verifying.url, KEY, "not-the-secret").describe_key_value_store(KvsARN=ARN)
    response = ei.value.response
    assert (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]) == \
        ("SignatureDoesNotMatch", 403), response
    assert "AWS4-ECDSA-P256-SHA256\n" in response["Error"]["Message"]
    with pytest.raises(ClientError) as ei:
        kvs_client(verifying.url, "AKIAUNKNOWNKEY000000").describe_key_value_store(KvsARN=ARN)
    assert ei.value.response["Error"]["Code"] == "InvalidClientTokenId"
