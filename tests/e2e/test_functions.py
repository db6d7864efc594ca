"""CloudFront Functions and KeyValueStores on both planes, with boto3 (Debian's) and the AWS CLI.

Debian's botocore (1.29) predates KeyValueStores: its clients here load the repository's
documentation-free model copy (emulator/model/botocore), which knows every operation of both
models. TestFunction really runs the code, in njs.
"""

import base64
import json
import subprocess

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import e2e_util as u
from test_keyvaluestore_plane import DATA_PATH, kvs_client

REQUEST_EVENT = {
    "version": "1.0",
    "context": {"eventType": "viewer-request"},
    "viewer": {"ip": "198.51.100.7"},
    "request": {"method": "GET", "uri": "/old", "querystring": {}, "headers": {"host": {"value": "example.com"}},
                "cookies": {}},
}

REDIRECT_CODE = b"""import cf from 'cloudfront';
const kvs = cf.kvs();
async function handler(event) {
  const request = event.request;
  if (await kvs.exists(request.uri)) {
    const target = await kvs.get(request.uri);
    console.log('redirect ' + request.uri + ' -> ' + target);
    return {statusCode: 302, statusDescription: 'Found', headers: {location: {value: target}}};
  }
  console.log('pass ' + request.uri);
  return request;
}
"""


def cf_client(url, account):
    session = boto3.session.Session()
    session._session.get_component("data_loader").search_paths.insert(0, DATA_PATH)
    return session.client("cloudfront", endpoint_url=url, region_name="us-east-1", aws_access_key_id=account,
                          aws_secret_access_key="x", config=Config(retries={"max_attempts": 1}))


def error_of(call):
    with pytest.raises(ClientError) as ei:
        call()
    response = ei.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]


def settle(url, account):
    import requests
    requests.post(f"{url}/_emulator/settle", params={"account": account}, timeout=10)


def test_the_redirect_scenario_end_to_end(url, account):
    """Create a store, put keys, a 2.0 function reading it, test, publish, associate, refuse deletes, delete."""
    cf = cf_client(url, account)
    kvs = kvs_client(url, account)

    store = cf.create_key_value_store(Name="redirects", Comment="old paths")
    summary = store["KeyValueStore"]
    assert summary["Status"] in ("PROVISIONING", "READY")
    arn = summary["ARN"]
    assert arn == f"arn:aws:cloudfront::{account}:key-value-store/{summary['Id']}"
    assert error_of(lambda: cf.create_key_value_store(Name="redirects"))[:2] == ("EntityAlreadyExists", 409)

    described = kvs.describe_key_value_store(KvsARN=arn)
    assert described["ItemCount"] == 0 and described["KvsARN"] == arn
    put = kvs.put_key(KvsARN=arn, Key="/old", Value="https://example.com/new", IfMatch=described["ETag"])
    assert put["ItemCount"] == 1 and put["ETag"] != described["ETag"]
    # A stale ETag changes nothing.
    code, status, _ = error_of(lambda: kvs.put_key(KvsARN=arn, Key="/x", Value="y", IfMatch=described["ETag"]))
    assert (code, status) == ("ConflictException", 409)
    updated = kvs.update_keys(KvsARN=arn, IfMatch=put["ETag"],
                              Puts=[{"Key": "/a", "Value": "1"}, {"Key": "/b", "Value": "2"}])
    assert updated["ItemCount"] == 3
    deleted = kvs.delete_key(KvsARN=arn, Key="/b", IfMatch=updated["ETag"])
    assert deleted["ItemCount"] == 2
    assert kvs.get_key(KvsARN=arn, Key="/old")["Value"] == "https://example.com/new"
    assert error_of(lambda: kvs.get_key(KvsARN=arn, Key="/b"))[:2] == ("ResourceNotFoundException", 404)
    first = kvs.list_keys(KvsARN=arn, MaxResults=1)
    assert [i["Key"] for i in first["Items"]] == ["/a"] and first["NextToken"]
    rest = kvs.list_keys(KvsARN=arn, MaxResults=10, NextToken=first["NextToken"])
    assert [i["Key"] for i in rest["Items"]] == ["/old"] and "NextToken" not in rest

    created = cf.create_function(
        Name="redirector",
        FunctionConfig={"Comment": "redirects", "Runtime": "cloudfront-js-2.0",
                        "KeyValueStoreAssociations": {"Quantity": 1, "Items": [{"KeyValueStoreARN": arn}]}},
        FunctionCode=REDIRECT_CODE)
    assert created["FunctionSummary"]["Status"] == "UNPUBLISHED"
    assert created["FunctionSummary"]["FunctionMetadata"]["Stage"] == "DEVELOPMENT"
    dev_etag = created["ETag"]
    assert cf.get_function(Name="redirector")["FunctionCode"].read() == REDIRECT_CODE

    event = json.dumps(REQUEST_EVENT).encode()
    tested = cf.test_function(Name="redirector", IfMatch=dev_etag, Stage="DEVELOPMENT", EventObject=event)["TestResult"]
    assert tested["FunctionErrorMessage"] == "", tested
    output = json.loads(tested["FunctionOutput"])
    assert output["response"]["statusCode"] == 302
    assert output["response"]["headers"]["location"]["value"] == "https://example.com/new"
    assert tested["FunctionExecutionLogs"] == ["redirect /old -> https://example.com/new"]
    assert 0 <= int(tested["ComputeUtilization"]) <= 100
    other = dict(REQUEST_EVENT, request=dict(REQUEST_EVENT["request"], uri="/kept"))
    tested = cf.test_function(Name="redirector", IfMatch=dev_etag, EventObject=json.dumps(other).encode())["TestResult"]
    assert json.loads(tested["FunctionOutput"])["request"]["uri"] == "/kept"

    published = cf.publish_function(Name="redirector", IfMatch=dev_etag)["FunctionSummary"]
    assert published["Status"] == "UNASSOCIATED" and published["FunctionMetadata"]["Stage"] == "LIVE"
    live = cf.describe_function(Name="redirector", Stage="LIVE")
    function_arn = live["FunctionSummary"]["FunctionMetadata"]["FunctionARN"]

    config = u.dist_config()
    config["DefaultCacheBehavior"]["FunctionAssociations"] = {
        "Quantity": 1, "Items": [{"FunctionARN": function_arn, "EventType": "viewer-request"}]}
    dist = cf.create_distribution(DistributionConfig=config)
    dist_id = dist["Distribution"]["Id"]
    assert cf.describe_function(Name="redirector")["FunctionSummary"]["Status"] == "ASSOCIATED"

    dev = cf.describe_function(Name="redirector")
    assert error_of(lambda: cf.delete_function(Name="redirector", IfMatch=dev["ETag"]))[:2] == ("FunctionInUse", 409)
    store_etag = cf.describe_key_value_store(Name="redirects")["ETag"]
    assert error_of(lambda: cf.delete_key_value_store(Name="redirects", IfMatch=store_etag))[:2] == \
        ("CannotDeleteEntityWhileInUse", 409)

    # Disassociate (the distribution), then the function, then the store.
    got = cf.get_distribution_config(Id=dist_id)
    config = got["DistributionConfig"]
    config["DefaultCacheBehavior"]["FunctionAssociations"] = {"Quantity": 0}
    config["Enabled"] = False
    etag = cf.update_distribution(Id=dist_id, IfMatch=got["ETag"], DistributionConfig=config)["ETag"]
    assert cf.describe_function(Name="redirector")["FunctionSummary"]["Status"] == "UNASSOCIATED"
    settle(url, account)
    cf.delete_distribution(Id=dist_id, IfMatch=etag)
    cf.delete_function(Name="redirector", IfMatch=cf.describe_function(Name="redirector")["ETag"])
    assert error_of(lambda: cf.describe_function(Name="redirector"))[:2] == ("NoSuchFunctionExists", 404)
    cf.delete_key_value_store(Name="redirects", IfMatch=cf.describe_key_value_store(Name="redirects")["ETag"])
    assert error_of(lambda: kvs.describe_key_value_store(KvsARN=arn))[:2] == ("ResourceNotFoundException", 404)
    assert cf.list_key_value_stores()["KeyValueStoreList"].get("Items", []) == []


def test_function_stages_etags_and_errors(url, account):
    cf = cf_client(url, account)
    code = b"function handler(event) { return event.request; }"
    fc = {"Comment": "c", "Runtime": "cloudfront-js-1.0"}
    created = cf.create_function(Name="stages", FunctionConfig=fc, FunctionCode=code)
    assert error_of(lambda: cf.create_function(Name="stages", FunctionConfig=fc, FunctionCode=code))[:2] == \
        ("FunctionAlreadyExists", 409)
    assert error_of(lambda: cf.describe_function(Name="stages", Stage="LIVE"))[:2] == ("NoSuchFunctionExists", 404)
    too_big = b"function handler(e) { return e.request; }\n" + b"//" + b"x" * 10240
    assert error_of(lambda: cf.create_function(Name="big", FunctionConfig=fc, FunctionCode=too_big))[:2] == \
        ("FunctionSizeLimitExceeded", 413)
    dev1 = created["ETag"]
    cf.publish_function(Name="stages", IfMatch=dev1)
    live1 = cf.describe_function(Name="stages", Stage="LIVE")["ETag"]
    assert live1 != dev1
    code2 = b"function handler(event) { event.request.uri = '/v2'; return event.request; }"
    dev2 = cf.update_function(Name="stages", IfMatch=dev1, FunctionConfig=fc, FunctionCode=code2)["ETag"]
    assert dev2 != dev1
    assert error_of(lambda: cf.update_function(Name="stages", IfMatch=dev1, FunctionConfig=fc, FunctionCode=code))[:2] \
        == ("PreconditionFailed", 412)
    # UpdateFunction changes DEVELOPMENT only: LIVE keeps its code and ETag.
    assert cf.get_function(Name="stages", Stage="LIVE")["FunctionCode"].read() == code
    assert cf.get_function(Name="stages", Stage="DEVELOPMENT")["FunctionCode"].read() == code2
    assert cf.describe_function(Name="stages", Stage="LIVE")["ETag"] == live1
    names = lambda stage: [f["Name"] for f in cf.list_functions(Stage=stage)["FunctionList"].get("Items", [])]
    assert names("LIVE") == ["stages"] and names("DEVELOPMENT") == ["stages"]
    # TestFunction: a thrown error, 1.0 refusing const, an infinite loop ending at the time limit.
    event = json.dumps(REQUEST_EVENT).encode()
    bad = b"function handler(event) { const x = 1; return event.request; }"
    dev3 = cf.update_function(Name="stages", IfMatch=dev2, FunctionConfig=fc, FunctionCode=bad)["ETag"]
    result = cf.test_function(Name="stages", IfMatch=dev3, EventObject=event)["TestResult"]
    assert "const" in result["FunctionErrorMessage"] and result["FunctionOutput"] == ""
    loop = b"function handler(event) { while (true) {} }"
    dev4 = cf.update_function(Name="stages", IfMatch=dev3, FunctionConfig=fc, FunctionCode=loop)["ETag"]
    result = cf.test_function(Name="stages", IfMatch=dev4, EventObject=event)["TestResult"]
    assert "time limit" in result["FunctionErrorMessage"] and result["ComputeUtilization"] == "100"
    assert error_of(lambda: cf.test_function(Name="stages", IfMatch=dev1, EventObject=event))[:2] == \
        ("InvalidIfMatchVersion", 400)
    # An origin event or an unpublished function cannot be associated.
    arn = f"arn:aws:cloudfront::{account}:function/stages"
    config = u.dist_config()
    config["DefaultCacheBehavior"]["FunctionAssociations"] = {
        "Quantity": 1, "Items": [{"FunctionARN": arn, "EventType": "origin-request"}]}
    assert error_of(lambda: cf.create_distribution(DistributionConfig=config))[:2] == ("MalformedXML", 400)
    config["DefaultCacheBehavior"]["FunctionAssociations"]["Items"][0]["FunctionARN"] = \
        f"arn:aws:cloudfront::{account}:function/never-published"
    config["DefaultCacheBehavior"]["FunctionAssociations"]["Items"][0]["EventType"] = "viewer-request"
    assert error_of(lambda: cf.create_distribution(DistributionConfig=config))[:2] == \
        ("InvalidFunctionAssociation", 400)
    cf.delete_function(Name="stages", IfMatch=dev4)
    assert names("LIVE") == [] and names("DEVELOPMENT") == []


def test_function_code_reaches_nothing_of_the_machine(url, account):
    cf = cf_client(url, account)
    fc = {"Comment": "probe", "Runtime": "cloudfront-js-2.0"}
    probes = {
        "fs": "var fs = require('fs'); return {statusCode: 200, body: fs.readFileSync('/etc/passwd')};",
        "process": "return {statusCode: 200, body: JSON.stringify(process.env)};",
        "eval": "return {statusCode: 200, body: String(eval('1+1'))};",
        "Function": "return {statusCode: 200, body: (function(){}).constructor('return 1')()};",
    }
    event = json.dumps(REQUEST_EVENT).encode()
    for name, body in probes.items():
        code = f"async function handler(event) {{ {body} }}".encode()
        etag = cf.create_function(Name=f"probe-{name}", FunctionConfig=fc, FunctionCode=code)["ETag"]
        result = cf.test_function(Name=f"probe-{name}", IfMatch=etag, EventObject=event)["TestResult"]
        assert result["FunctionErrorMessage"], (name, result)
        assert result["FunctionOutput"] == "", (name, result)
        assert "root:" not in json.dumps(result, default=str)


def test_key_value_store_control_plane_with_the_aws_cli_and_errors(url, account):
    cf = cf_client(url, account)
    created = cf.create_key_value_store(Name="cli-store")["KeyValueStore"]
    assert error_of(lambda: cf.describe_key_value_store(Name="nope"))[:2] == ("EntityNotFound", 404)
    code, status, message = error_of(lambda: cf.create_key_value_store(
        Name="imported", ImportSource={"SourceType": "S3", "SourceARN": "arn:aws:s3:::bucket/keys.json"}))
    assert status == 400 and "S3" in message
    etag = cf.describe_key_value_store(Name="cli-store")["ETag"]
    updated = cf.update_key_value_store(Name="cli-store", Comment="new comment", IfMatch=etag)
    assert updated["KeyValueStore"]["Comment"] == "new comment" and updated["ETag"] != etag
    assert error_of(lambda: cf.update_key_value_store(Name="cli-store", Comment="x", IfMatch=etag))[:2] == \
        ("PreconditionFailed", 412)
    settle(url, account)
    listed = cf.list_key_value_stores(Status="READY")["KeyValueStoreList"]["Items"]
    assert [s["Name"] for s in listed] == ["cli-store"] and listed[0]["Id"] == created["Id"]
    # The data plane of another account does not see it.
    other = kvs_client(url, "999999999999")
    assert error_of(lambda: other.describe_key_value_store(KvsARN=created["ARN"]))[:2] == \
        ("ResourceNotFoundException", 404)
    cf.delete_key_value_store(Name="cli-store", IfMatch=updated["ETag"])


def test_functions_with_the_aws_cli(url, account, tmp_path):
    env = {"AWS_ACCESS_KEY_ID": account, "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1",
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}

    def aws(*args):
        p = subprocess.run(["aws", "--endpoint-url", url, "cloudfront", *args, "--output", "json"],
                           capture_output=True, text=True, env=env, timeout=60)
        return p.returncode, (json.loads(p.stdout) if p.stdout.strip() else None), p.stderr

    code_file = tmp_path / "f.js"
    code_file.write_bytes(b"function handler(event) { console.log('hi'); return event.request; }")
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(REQUEST_EVENT))
    rc, created, err = aws("create-function", "--name", "cli-fn", "--function-config",
                           "Comment=cli,Runtime=cloudfront-js-1.0", "--function-code", f"fileb://{code_file}")
    assert rc == 0, err
    etag = created["ETag"]
    rc, tested, err = aws("test-function", "--name", "cli-fn", "--if-match", etag,
                          "--event-object", f"fileb://{event_file}")
    assert rc == 0, err
    assert tested["TestResult"]["FunctionExecutionLogs"] == ["hi"]
    rc, published, err = aws("publish-function", "--name", "cli-fn", "--if-match", etag)
    assert rc == 0 and published["FunctionSummary"]["FunctionMetadata"]["Stage"] == "LIVE", err
    rc, listed, err = aws("list-functions", "--stage", "LIVE")
    assert rc == 0 and [f["Name"] for f in listed["FunctionList"]["Items"]] == ["cli-fn"], err
    rc, _, err = aws("delete-function", "--name", "cli-fn", "--if-match", "E000000000000")
    assert rc != 0 and "PreconditionFailed" in err
    rc, _, err = aws("delete-function", "--name", "cli-fn", "--if-match", etag)
    assert rc == 0, err
