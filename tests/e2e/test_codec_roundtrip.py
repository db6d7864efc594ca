"""Round trip through botocore's own serializer and parsers, for every operation of both models.

Inputs generated from the model to cover every member (nested lists, Quantity/Items pairs, blobs
with bytes that are not UTF-8, timestamps, enums, header, query and URI members) are serialized by
botocore (Debian's 1.29, loading the documentation-free model copies in emulator/model/botocore/),
routed, decoded and validated by our codec (build/codec_roundtrip), and must come back equal.
Outputs generated the same way are encoded by our codec and parsed by botocore's parser, and must
come back equal. Every error shape of both models is encoded and parsed back too.
"""

import base64
import datetime
import itertools
import json
import os
import re
import subprocess
from urllib.parse import urlsplit

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA_PATH = os.path.join(ROOT, "emulator", "model", "botocore")
SERVICES = (("cloudfront", "2020-05-31", 167), ("cloudfront-keyvaluestore", "2022-07-26", 6))

import botocore.session  # noqa: E402  (after the paths above, for readability)
from botocore import parsers, serialize  # noqa: E402
from botocore.awsrequest import HeadersDict, create_request_object, prepare_request_dict  # noqa: E402

# A value matching each pattern trait of the models (the generator needs one; the test below
# checks that every pattern has one and, where Python's re can read the pattern, that it matches).
PATTERN_SAMPLES = {
    "[a-zA-Z0-9-_]{1,64}": "name-1_A",
    "[a-z]{2}-[a-z]+-\\d": "us-east-1",
    "[a-zA-Z0-9][a-zA-Z0-9-.]{1,126}[a-zA-Z0-9]": "tenant-1.example",
    "arn:aws:cloudfront::[0-9]{12}:function\\/[a-zA-Z0-9-_]{1,64}": "arn:aws:cloudfront::123456789012:function/f-1",
    "arn:aws:cloudfront::[0-9]{12}:key-value-store\\/[0-9a-fA-F-]{36}":
        "arn:aws:cloudfront::123456789012:key-value-store/0e8a6e3c-1b1d-4e7f-9c6a-1e2b3c4d5e6f",
    "[a-zA-Z0-9-_]+": "param_1",
    "arn:aws(-cn)?:cloudfront::[0-9]+:.*": "arn:aws:cloudfront::123456789012:distribution/E1 x/y",
    "([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)": "tag key \u00fc/\u65e5\u672c=+@",
}

TIMESTAMP = datetime.datetime(2024, 3, 15, 10, 0, 0, 500000, tzinfo=datetime.timezone.utc)
BLOB = b"\x00\xff\xfe function() {}\x80"  # not UTF-8
BODY_TEXT = "text <&>'\" \u00fc\u65e5\u672c"  # XML specials, non-ASCII
LABEL_TEXT = "label x/y:z"  # a "/" and a blank in a URI label
QUERY_TEXT = "query a&b=c d"
HEADER_TEXT = "header-value"


def session():
    s = botocore.session.get_session()
    s.get_component("data_loader").search_paths.insert(0, DATA_PATH)
    return s


SESSION = session()
MODELS = {name: SESSION.get_service_model(name, api_version=version) for name, version, _ in SERVICES}


def all_operations():
    return [(name, op) for name, model in MODELS.items() for op in model.operation_names]


# --------------------------------------------------------------------------------------------
# Values from the model
# --------------------------------------------------------------------------------------------

class Generator:
    """Values for every member of a shape, valid for the model's constraints."""

    def __init__(self):
        self.counter = itertools.count()

    def value(self, shape, location=None, stack=()):
        kind = shape.type_name
        if kind == "structure":
            return self.structure(shape, stack)
        if kind == "list":
            count = min(max(2, shape.metadata.get("min", 0)), shape.metadata.get("max", 2))
            return [self.value(shape.member, location, stack) for _ in range(count)]
        if kind == "map":
            return {f"k{i}": self.value(shape.value, location, stack) for i in range(2)}
        if kind == "string":
            return self.string(shape, location)
        if kind in ("integer", "long"):
            low, high = shape.metadata.get("min", -(2 ** 31)), shape.metadata.get("max", 2 ** 31)
            return min(max(7 + next(self.counter) % 5, low), high)
        if kind in ("double", "float"):
            return min(max(12.5, shape.metadata.get("min", -1e9)), shape.metadata.get("max", 1e9))
        if kind == "boolean":
            return next(self.counter) % 2 == 0
        if kind == "timestamp":
            return TIMESTAMP
        if kind == "blob":
            return (BLOB * 4)[:max(shape.metadata.get("min", 1), min(len(BLOB), shape.metadata.get("max", 64)))]
        raise AssertionError(f"no generator for {kind}")

    def structure(self, shape, stack):
        if shape.name in stack:
            return None
        stack = stack + (shape.name,)
        members = list(shape.members.items())
        if shape.metadata.get("union"):
            members = members[:1]
        out = {}
        for name, member in members:
            location = member.serialization.get("location")
            value = self.value(member, location, stack)
            if value is not None:
                out[name] = value
        if isinstance(out.get("Items"), list) and "Quantity" in shape.members:
            out["Quantity"] = len(out["Items"])
        return out

    def string(self, shape, location):
        if shape.enum:
            return shape.enum[next(self.counter) % len(shape.enum)]
        pattern = shape.metadata.get("pattern")
        if pattern:
            return PATTERN_SAMPLES[pattern]
        text = {"uri": LABEL_TEXT, "querystring": QUERY_TEXT, "header": HEADER_TEXT}.get(location, BODY_TEXT)
        low, high = shape.metadata.get("min", 0), shape.metadata.get("max", 10 ** 6)
        text = text[:high]
        return text + "x" * max(0, low - len(text))


def to_codec(value, shape):
    """botocore's form (datetime, bytes) → the codec's values (ISO 8601 text, base64 text)."""
    kind = shape.type_name
    if value is None:
        return None
    if kind == "structure":
        return {name: to_codec(value[name], member) for name, member in shape.members.items() if name in value}
    if kind == "list":
        return [to_codec(item, shape.member) for item in value]
    if kind == "map":
        return {key: to_codec(item, shape.value) for key, item in value.items()}
    if kind == "timestamp":
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + \
            f"{value.microsecond // 1000:03d}Z"
    if kind == "blob":
        return base64.b64encode(value).decode()
    return value


def from_codec(value, shape):
    """The codec's values → botocore's form."""
    kind = shape.type_name
    if kind == "structure":
        return {name: from_codec(value[name], member) for name, member in shape.members.items() if name in value}
    if kind == "list":
        return [from_codec(item, shape.member) for item in value]
    if kind == "map":
        return {key: from_codec(item, shape.value) for key, item in value.items()}
    if kind == "timestamp":
        return datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    if kind == "blob":
        return base64.b64decode(value)
    return value


def members_of(value, shape, path=""):
    """Every leaf path of value, to show what a round trip lost."""
    if shape.type_name == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value:
                yield from members_of(value[name], member, f"{path}.{name}")
    elif shape.type_name == "list" and isinstance(value, list):
        for i, item in enumerate(value):
            yield from members_of(item, shape.member, f"{path}[{i}]")
    else:
        yield path


# --------------------------------------------------------------------------------------------
# The driver
# --------------------------------------------------------------------------------------------

class Driver:
    def __init__(self, binary):
        self.process = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, request):
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        assert "error" not in answer or not isinstance(answer["error"], str), answer
        return answer

    def close(self):
        self.process.stdin.close()
        assert self.process.wait(timeout=10) == 0


@pytest.fixture(scope="module")
def driver():
    binary = os.environ.get("CFL_CODEC_ROUNDTRIP") or os.path.join(
        os.path.dirname(os.environ.get("CFL_BINARY", os.path.join(ROOT, "build", "cloudfront-local"))),
        "codec_roundtrip")
    if not os.path.exists(binary):
        pytest.fail(f"{binary} is missing: cmake --build build --target codec_roundtrip")
    d = Driver(binary)
    yield d
    d.close()


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------

def test_botocore_loads_every_operation_of_both_models():
    for name, _, count in SERVICES:
        assert len(MODELS[name].operation_names) == count, name


def test_every_pattern_has_a_sample_that_matches():
    patterns = {shape.metadata["pattern"] for model in MODELS.values()
                for shape in (model.shape_for(n) for n in model.shape_names) if "pattern" in shape.metadata}
    assert patterns <= set(PATTERN_SAMPLES), patterns - set(PATTERN_SAMPLES)
    for pattern, sample in PATTERN_SAMPLES.items():
        if "\\p" not in pattern:
            assert re.fullmatch(pattern, sample), (pattern, sample)


def serialize_request(service, operation, params):
    model = MODELS[service]
    op = model.operation_model(operation)
    serializer = serialize.create_serializer(model.metadata["protocol"], include_validation=True)
    request = serializer.serialize_to_request(params, op)
    prepare_request_dict(request, endpoint_url="http://localhost:4750")
    prepared = create_request_object(request).prepare()
    url = urlsplit(prepared.url)
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode()
    return {"kind": "decode", "method": prepared.method,
            "target": url.path + (f"?{url.query}" if url.query else ""),
            "headers": {k: (v.decode() if isinstance(v, bytes) else v) for k, v in prepared.headers.items()},
            "body": base64.b64encode(body).decode()}


@pytest.mark.parametrize("service,operation", all_operations(), ids=[f"{s}:{o}" for s, o in all_operations()])
def test_input_round_trip(driver, service, operation):
    op = MODELS[service].operation_model(operation)
    params = Generator().value(op.input_shape) if op.input_shape else {}
    request = serialize_request(service, operation, params)
    answer = driver.ask(request)
    assert answer["operation"] == f"{service}:{operation}", (answer, request["method"], request["target"])
    assert "input" in answer, (answer, request)
    decoded = from_codec(answer["input"], op.input_shape) if op.input_shape else {}
    lost = set(members_of(params, op.input_shape)) - set(members_of(decoded, op.input_shape)) \
        if op.input_shape else set()
    assert not lost, f"members lost: {sorted(lost)}"
    assert decoded == params


@pytest.mark.parametrize("service,operation", all_operations(), ids=[f"{s}:{o}" for s, o in all_operations()])
def test_output_round_trip(driver, service, operation):
    model = MODELS[service]
    op = model.operation_model(operation)
    if op.output_shape is None:
        pytest.skip("no output")
    output = Generator().value(op.output_shape)
    payload = op.output_shape.serialization.get("payload")
    if payload and op.output_shape.members[payload].type_name == "blob":
        # botocore 1.29 reads a blob payload as UTF-8 text (its parser decodes the body).
        output[payload] = "function handler(event) { return '\u00fc'; }".encode()
    answer = driver.ask({"kind": "encode", "service": service, "operation": operation,
                         "output": to_codec(output, op.output_shape)})
    assert answer["status"] == op.http.get("responseCode", 200)
    response = {"status_code": answer["status"], "headers": HeadersDict(answer["headers"]),
                "body": base64.b64decode(answer["body"])}
    parsed = parsers.create_parser(model.metadata["protocol"]).parse(response, op.output_shape)
    parsed.pop("ResponseMetadata", None)
    if payload and isinstance(parsed.get(payload), str):
        parsed[payload] = parsed[payload].encode()
    lost = set(members_of(output, op.output_shape)) - set(members_of(parsed, op.output_shape))
    assert not lost, f"members lost: {sorted(lost)}"
    assert parsed == output


@pytest.mark.parametrize("service", [name for name, _, _ in SERVICES])
def test_every_error_shape_parses_back(driver, service):
    model = MODELS[service]
    errors = [model.shape_for(name) for name in model.shape_names
              if model.shape_for(name).metadata.get("exception")]
    assert errors
    protocol = model.metadata["protocol"]
    for shape in errors:
        answer = driver.ask({"kind": "error", "service": service, "code": shape.name, "message": "m <&> \u00fc"})
        assert answer["status"] == shape.metadata["error"]["httpStatusCode"], shape.name
        response = {"status_code": answer["status"], "headers": HeadersDict(answer["headers"]),
                    "body": base64.b64decode(answer["body"])}
        parsed = parsers.create_parser(protocol).parse(response, None)
        assert parsed["Error"]["Code"] == shape.name
        assert parsed["Error"]["Message"] == "m <&> \u00fc"
