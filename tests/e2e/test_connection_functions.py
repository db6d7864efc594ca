"""Connection functions (viewer mTLS) with boto3 on the repository's model copy (Debian's botocore does
not know them): every operation, the two stages and their ETags, TestConnectionFunction running
connectionHandler in njs (allow, deny, logs, errors), the distribution that names one through its
ConnectionFunctionAssociation (only a LIVE one; in use → no delete) and the list of those distributions."""

import json
import re

import pytest
import requests

import e2e_util as u
from e2e_util import expect_error

CONFIG = {"Comment": "mTLS device check", "Runtime": "cloudfront-js-2.0"}

ALLOW_LISTED = b"""async function connectionHandler(connection) {
  const serial = connection.clientCertInfo.serialNumber;
  console.log('serial ' + serial + ' from ' + connection.clientIp);
  if (serial === '00:a1:b2') {
    return connection.allow();
  }
  return connection.deny();
}
"""

CONNECTION = {"clientIp": "203.0.113.9", "clientCertInfo": {"serialNumber": "00:a1:b2", "subject": "CN=device-1"}}


def create(cfm, name, code=ALLOW_LISTED, config=CONFIG, **kwargs):
    return cfm.create_connection_function(Name=name, ConnectionFunctionConfig=config, ConnectionFunctionCode=code,
                                          **kwargs)


def using(function_id, **overrides):
    config = u.dist_config(**overrides)
    config["ConnectionFunctionAssociation"] = {"Id": function_id}
    return config


def test_every_operation_and_the_stages(cfm, account):
    created = create(cfm, "device-check", Tags={"Items": [{"Key": "team", "Value": "edge"}]})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    summary = created["ConnectionFunctionSummary"]
    function_id = summary["Id"]
    assert re.fullmatch(r"E[A-Z0-9]{13}", function_id)
    assert summary["Name"] == "device-check"
    assert summary["ConnectionFunctionArn"] == f"arn:aws:cloudfront::{account}:connection-function/{function_id}"
    assert summary["Stage"] == "DEVELOPMENT" and summary["Status"] == "UNPUBLISHED"
    assert summary["ConnectionFunctionConfig"] == CONFIG
    assert created["Location"].endswith(f"/2020-05-31/connection-function/{function_id}")
    assert cfm.list_tags_for_resource(Resource=summary["ConnectionFunctionArn"])["Tags"]["Items"] == \
        [{"Key": "team", "Value": "edge"}]
    dev1 = created["ETag"]

    # Described and read by Id, by Name or by ARN; the code byte for byte.
    for identifier in (function_id, "device-check", summary["ConnectionFunctionArn"]):
        described = cfm.describe_connection_function(Identifier=identifier)
        assert described["ETag"] == dev1 and described["ConnectionFunctionSummary"]["Id"] == function_id
    got = cfm.get_connection_function(Identifier=function_id)
    assert got["ConnectionFunctionCode"].read() == ALLOW_LISTED and got["ETag"] == dev1
    with expect_error("EntityNotFound", 404):
        cfm.describe_connection_function(Identifier=function_id, Stage="LIVE")
    with expect_error("EntityAlreadyExists", 409):
        create(cfm, "device-check")

    # Publish copies DEVELOPMENT to LIVE, with an ETag of its own; Update changes DEVELOPMENT only.
    with expect_error("PreconditionFailed", 412):
        cfm.publish_connection_function(Id=function_id, IfMatch="E2QWRUHAPOMQZL")
    published = cfm.publish_connection_function(Id=function_id, IfMatch=dev1)["ConnectionFunctionSummary"]
    assert published["Stage"] == "LIVE" and published["Status"] == "UNASSOCIATED"
    live1 = cfm.describe_connection_function(Identifier=function_id, Stage="LIVE")["ETag"]
    assert live1 != dev1
    code2 = b"function connectionHandler(connection) { connection.allow(); }"
    updated = cfm.update_connection_function(Id=function_id, IfMatch=dev1, ConnectionFunctionConfig=CONFIG,
                                             ConnectionFunctionCode=code2)
    dev2 = updated["ETag"]
    assert dev2 != dev1 and updated["ConnectionFunctionSummary"]["Name"] == "device-check"
    with expect_error("PreconditionFailed", 412):
        cfm.update_connection_function(Id=function_id, IfMatch=dev1, ConnectionFunctionConfig=CONFIG,
                                       ConnectionFunctionCode=code2)
    assert cfm.get_connection_function(Identifier=function_id, Stage="LIVE")["ConnectionFunctionCode"].read() == \
        ALLOW_LISTED
    assert cfm.get_connection_function(Identifier=function_id)["ConnectionFunctionCode"].read() == code2
    assert cfm.describe_connection_function(Identifier=function_id, Stage="LIVE")["ETag"] == live1

    names = lambda stage: [f["Name"] for f in cfm.list_connection_functions(Stage=stage).get("ConnectionFunctions", [])]
    assert names("LIVE") == ["device-check"] and names("DEVELOPMENT") == ["device-check"]

    with expect_error("PreconditionFailed", 412):
        cfm.delete_connection_function(Id=function_id, IfMatch=dev1)
    cfm.delete_connection_function(Id=function_id, IfMatch=dev2)
    assert names("LIVE") == [] and names("DEVELOPMENT") == []
    with expect_error("EntityNotFound", 404):
        cfm.describe_connection_function(Identifier="device-check")
    with expect_error("EntityNotFound", 404):
        cfm.delete_connection_function(Id=function_id, IfMatch=dev2)


def test_config_rules_and_paging(cfm):
    with expect_error("InvalidArgument", 400):
        create(cfm, "old-runtime", config={"Comment": "", "Runtime": "cloudfront-js-1.0"})
    too_big = ALLOW_LISTED + b"//" + b"x" * 10240
    with expect_error("EntitySizeLimitExceeded", 413):
        create(cfm, "too-big", code=too_big)
    missing_store = dict(CONFIG, KeyValueStoreAssociations={"Quantity": 1, "Items": [
        {"KeyValueStoreARN": "arn:aws:cloudfront::123456789012:key-value-store/"
         "00000000-0000-4000-8000-000000000000"}]})
    with expect_error("InvalidArgument", 400):
        create(cfm, "no-store", config=missing_store)
    assert cfm.list_connection_functions().get("ConnectionFunctions", []) == []

    ids = [create(cfm, f"f{i}")["ConnectionFunctionSummary"]["Id"] for i in range(3)]
    first = cfm.list_connection_functions(MaxItems=2)
    assert [f["Id"] for f in first["ConnectionFunctions"]] == ids[:2] and first["NextMarker"] == ids[1]
    rest = cfm.list_connection_functions(MaxItems=2, Marker=first["NextMarker"])
    assert [f["Id"] for f in rest["ConnectionFunctions"]] == ids[2:] and "NextMarker" not in rest


def test_the_connection_handler_runs(cfm):
    created = create(cfm, "runner")
    function_id, etag = created["ConnectionFunctionSummary"]["Id"], created["ETag"]

    def run(connection, if_match=None, stage=None):
        kwargs = {"Stage": stage} if stage else {}
        return cfm.test_connection_function(Id=function_id, IfMatch=if_match or etag,
                                            ConnectionObject=json.dumps(connection).encode(),
                                            **kwargs)["ConnectionFunctionTestResult"]

    allowed = run(CONNECTION)
    assert allowed["ConnectionFunctionErrorMessage"] == "", allowed
    assert json.loads(allowed["ConnectionFunctionOutput"]) == {"action": "allow"}
    assert allowed["ConnectionFunctionExecutionLogs"] == ["serial 00:a1:b2 from 203.0.113.9"]
    assert 0 <= int(allowed["ComputeUtilization"]) <= 100
    assert allowed["ConnectionFunctionSummary"]["Id"] == function_id
    denied = run(dict(CONNECTION, clientCertInfo={"serialNumber": "ff:ff"}))
    assert json.loads(denied["ConnectionFunctionOutput"]) == {"action": "deny"}

    # A function that decides nothing, or throws, answers its error, not a decision.
    undecided = b"function connectionHandler(connection) { console.log('thinking'); }"
    etag = cfm.update_connection_function(Id=function_id, IfMatch=etag, ConnectionFunctionConfig=CONFIG,
                                          ConnectionFunctionCode=undecided)["ETag"]
    result = run(CONNECTION, if_match=etag)
    assert "allow() or connection.deny()" in result["ConnectionFunctionErrorMessage"]
    assert result["ConnectionFunctionOutput"] == "" and result["ConnectionFunctionExecutionLogs"] == ["thinking"]
    viewer_style = b"function handler(event) { return event.request; }"
    etag = cfm.update_connection_function(Id=function_id, IfMatch=etag, ConnectionFunctionConfig=CONFIG,
                                          ConnectionFunctionCode=viewer_style)["ETag"]
    assert "connectionHandler" in run(CONNECTION, if_match=etag)["ConnectionFunctionErrorMessage"]

    # Errors: a stale or missing ETag, no LIVE stage yet, a connection object that is no JSON object.
    with expect_error("PreconditionFailed", 412):
        run(CONNECTION, if_match=created["ETag"])
    with expect_error("EntityNotFound", 404):
        run(CONNECTION, stage="LIVE")
    with expect_error("InvalidArgument", 400):
        cfm.test_connection_function(Id=function_id, IfMatch=etag, ConnectionObject=b"[1, 2]")
    with expect_error("EntityNotFound", 404):
        cfm.test_connection_function(Id="ENOSUCHFUNCTION", IfMatch=etag, ConnectionObject=b"{}")


def test_distributions_reference_the_live_stage(cfm):
    created = create(cfm, "gate")
    function_id, dev = created["ConnectionFunctionSummary"]["Id"], created["ETag"]
    # Unpublished, or unknown: refused, and nothing is created.
    with expect_error("EntityNotFound", 404):
        cfm.create_distribution(DistributionConfig=using(function_id))
    with expect_error("EntityNotFound", 404):
        cfm.create_distribution(DistributionConfig=using("ENOSUCHFUNCTION"))
    assert cfm.list_distributions()["DistributionList"]["Quantity"] == 0

    cfm.publish_connection_function(Id=function_id, IfMatch=dev)
    dist = cfm.create_distribution(DistributionConfig=using(function_id))
    dist_id = dist["Distribution"]["Id"]
    assert dist["Distribution"]["DistributionConfig"]["ConnectionFunctionAssociation"] == {"Id": function_id}
    assert cfm.describe_connection_function(Identifier=function_id)["ConnectionFunctionSummary"]["Status"] == \
        "ASSOCIATED"
    listed = cfm.list_distributions_by_connection_function(ConnectionFunctionIdentifier=function_id)
    assert [d["Id"] for d in listed["DistributionList"]["Items"]] == [dist_id]
    assert listed["DistributionList"]["Items"][0]["ConnectionFunctionAssociation"] == {"Id": function_id}
    by_name = cfm.list_distributions_by_connection_function(ConnectionFunctionIdentifier="gate")
    assert [d["Id"] for d in by_name["DistributionList"]["Items"]] == [dist_id]
    with expect_error("EntityNotFound", 404):
        cfm.list_distributions_by_connection_function(ConnectionFunctionIdentifier="no-such-function")

    # In use: no delete. Then the association goes, and so can the function.
    with expect_error("CannotDeleteEntityWhileInUse", 409):
        cfm.delete_connection_function(Id=function_id, IfMatch=dev)
    got = cfm.get_distribution_config(Id=dist_id)
    config = got["DistributionConfig"]
    del config["ConnectionFunctionAssociation"]
    cfm.update_distribution(Id=dist_id, IfMatch=got["ETag"], DistributionConfig=config)
    empty = cfm.list_distributions_by_connection_function(ConnectionFunctionIdentifier=function_id)
    assert empty["DistributionList"]["Quantity"] == 0
    assert cfm.describe_connection_function(Identifier=function_id)["ConnectionFunctionSummary"]["Status"] == \
        "UNASSOCIATED"
    cfm.delete_connection_function(Id=function_id, IfMatch=dev)
    with expect_error("EntityNotFound", 404):
        cfm.list_distributions_by_connection_function(ConnectionFunctionIdentifier=function_id)


def test_snapshot_round_trip(start_emulator, new_account):
    """Both stages, their ETags, the tags and the distribution's reference survive export, reset and import."""
    em = start_emulator()
    cfm = u.make_model_client(em.url, new_account())
    created = create(cfm, "kept", Tags={"Items": [{"Key": "k", "Value": "v"}]})
    function_id = created["ConnectionFunctionSummary"]["Id"]
    cfm.publish_connection_function(Id=function_id, IfMatch=created["ETag"])
    cfm.create_distribution(DistributionConfig=using(function_id))

    def answers():
        strip = lambda response: {k: v for k, v in response.items() if k != "ResponseMetadata"}
        return {"dev": strip(cfm.describe_connection_function(Identifier=function_id)),
                "live": strip(cfm.describe_connection_function(Identifier=function_id, Stage="LIVE")),
                "code": cfm.get_connection_function(Identifier=function_id, Stage="LIVE")["ConnectionFunctionCode"].read(),
                "list": strip(cfm.list_connection_functions()),
                "users": strip(cfm.list_distributions_by_connection_function(ConnectionFunctionIdentifier="kept")),
                "tags": strip(cfm.list_tags_for_resource(
                    Resource=created["ConnectionFunctionSummary"]["ConnectionFunctionArn"]))}

    before = answers()
    snapshot = requests.get(em.url + "/_emulator/state", timeout=10).json()
    requests.post(em.url + "/_emulator/reset", data="{}", timeout=10).raise_for_status()
    with expect_error("EntityNotFound", 404):
        cfm.describe_connection_function(Identifier=function_id)
    r = requests.put(em.url + "/_emulator/state", data=json.dumps(snapshot), timeout=10)
    assert r.status_code == 200, r.text
    assert answers() == before
    with expect_error("CannotDeleteEntityWhileInUse", 409):
        cfm.delete_connection_function(Id=function_id, IfMatch=before["dev"]["ETag"])
