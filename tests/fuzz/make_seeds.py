#!/usr/bin/python3
"""Writes the seed corpora and dictionaries of the libFuzzer harnesses.

    /usr/bin/python3 tests/fuzz/make_seeds.py OUT_DIR

OUT_DIR/xml_codec/      one document per request payload shape: a full example of every shape
                        (every member, one item per list, botocore's serializer writes it) and
                        every payload found in fixtures/ (XML configs, and the configs of JSON
                        state snapshots)
OUT_DIR/dispatcher/     request sequences in dispatcher_fuzzer.cpp's text format: every
                        operation alone, and create → read → update (If-Match) → delete for
                        every payload found in fixtures/
OUT_DIR/json_codec/     a JSON body of every input and output of the KeyValueStore data plane
OUT_DIR/control_plane/  control calls and fixtures in control_plane_fuzzer.cpp's text format:
                        the snapshots and XML configs of fixtures/ imported both ways, then
                        clock, settle, touch, faults, config and reset calls on top
OUT_DIR/http_framing/   raw HTTP/1.1 bytes: requests of every framing (length, chunked, none,
                        Expect), pipelined, a GET with a body, HTTP/1.0, and broken ones
OUT_DIR/plain_http/     the same raw requests, for the fast path's differential harness
OUT_DIR/*.dict          libFuzzer dictionaries (element names, operation tokens, headers,
                        placeholders, control paths and members, HTTP framing tokens, JSON members)

The hand-written seeds in tests/fuzz/corpus/ are used besides these. Needs botocore (Debian's
python3-botocore), which loads the repository's model copies (emulator/model/botocore).
"""

import hashlib
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import botocore.session
from botocore.serialize import create_serializer

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
NS = "http://cloudfront.amazonaws.com/doc/2020-05-31/"
ACCOUNT_AUTH = ("AWS4-HMAC-SHA256 Credential=111111111111/20240101/us-east-1/cloudfront/aws4_request, "
                "SignedHeaders=host;x-amz-date, Signature=0")

def _session():
    """botocore with the repository's model copies first: every operation of our model."""
    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, str(REPO / "emulator" / "model" / "botocore"))
    return session


SESSION = _session()
MODEL = SESSION.get_service_model("cloudfront", api_version="2020-05-31")
KVS_MODEL = SESSION.get_service_model("cloudfront-keyvaluestore", api_version="2022-07-26")
SERIALIZER = create_serializer("rest-xml", include_validation=False)


def payload_of(op):
    """(payload member name, root element name, shape) of op's XML request body, or None."""
    shape = op.input_shape
    if shape is None:
        return None
    name = shape.serialization.get("payload")
    if not name:
        return None
    member = shape.members[name]
    if member.type_name != "structure":
        return None
    return name, member.serialization.get("name", name), member


def example(shape, depth=0):
    """A value for every member of shape, one item per list, Quantity = len(Items)."""
    kind = shape.type_name
    if kind == "structure":
        if depth > 12:
            return {}
        value = {name: example(member, depth + 1) for name, member in shape.members.items()}
        if "Quantity" in value:
            value["Quantity"] = len(value.get("Items", []))
        return value
    if kind == "list":
        return [example(shape.member, depth + 1)]
    if kind == "map":
        return {"key": "value"}
    if kind in ("integer", "long"):
        return int(shape.metadata.get("min", 1))
    if kind in ("float", "double"):
        return 0.5
    if kind == "boolean":
        return False
    if kind == "timestamp":
        return "2024-01-01T00:00:00Z"
    if kind == "blob":
        return b"blob"
    enum = shape.enum
    if enum:
        return enum[0]
    text = shape.name
    low = int(shape.metadata.get("min", 0))
    return text if len(text) >= low else text.ljust(low, "x")


def dummy_params(op):
    """Values for the members that travel in the path, query or headers."""
    params = {}
    for name, member in op.input_shape.members.items():
        if member.serialization.get("location") in ("uri", "querystring", "header"):
            params[name] = "x" if member.type_name == "string" else example(member)
    return params


def serialize(op, payload_name, value):
    params = dummy_params(op)
    params[payload_name] = value
    body = SERIALIZER.serialize_to_request(params, op)["body"]
    return body if isinstance(body, bytes) else body.encode("utf-8")


def local(tag):
    return tag.rsplit("}", 1)[-1]


def fixture_payloads(roots):
    """(root name, XML bytes) of every request payload in fixtures/, standalone, with the namespace."""
    found = []
    for path in sorted(FIXTURES.rglob("*.xml")) if FIXTURES.is_dir() else []:
        text = path.read_text("utf-8", "replace")
        try:
            root = ET.fromstring(text)
        except ET.ParseError:
            # e.g. "--" inside a comment, which tinyxml2 tolerates and expat does not
            try:
                root = ET.fromstring(re.sub(r"<!--.*?-->", "", text, flags=re.S))
            except ET.ParseError as e:
                print(f"make_seeds: skipping {path}: {e}", file=sys.stderr)
                continue
        for element in root.iter():
            if local(element.tag) in roots:
                ET.register_namespace("", NS)
                found.append((local(element.tag), ET.tostring(element, encoding="utf-8")))
    for path in sorted(FIXTURES.rglob("*.json")) if FIXTURES.is_dir() else []:
        try:
            state = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as e:
            print(f"make_seeds: skipping {path}: {e}", file=sys.stderr)
            continue
        for resource in state.get("resources", []) if isinstance(state, dict) else []:
            config = resource.get("config")
            kind = resource.get("kind", "")
            root = {"distribution": "DistributionConfig",
                    "streaming-distribution": "StreamingDistributionConfig"}.get(kind)
            if not isinstance(config, dict) or root not in roots:
                continue
            op_name, payload_name = roots[root]
            try:
                found.append((root, serialize(MODEL.operation_model(op_name), payload_name, config)))
            except Exception as e:  # a config botocore cannot serialize is not a seed
                print(f"make_seeds: skipping a {kind} of {path}: {e!r}", file=sys.stderr)
    return found


def write(directory, content):
    directory.mkdir(parents=True, exist_ok=True)
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)


def step(line, headers=(), body=b""):
    text = line + "\n" + "".join(f"{h}\n" for h in headers) + "\n"
    return text.encode("utf-8") + (body if isinstance(body, bytes) else body.encode("utf-8"))


def sequence(*steps):
    return b"\n%%\n".join(steps)


def lifecycle(root, xml):
    """create → get → get config → update with If-Match → disable → settle → delete."""
    auth = f"Authorization: {ACCOUNT_AUTH}"
    if root == "DistributionConfig":
        create, get, get_config, update, delete = ("CreateDistribution", "GetDistribution", "GetDistributionConfig",
                                                   "UpdateDistribution", "DeleteDistribution")
    else:
        create, get, get_config, update, delete = ("CreateStreamingDistribution", "GetStreamingDistribution",
                                                   "GetStreamingDistributionConfig", "UpdateStreamingDistribution",
                                                   "DeleteStreamingDistribution")
    disabled = xml.replace(b"<Enabled>true</Enabled>", b"<Enabled>false</Enabled>")
    return sequence(
        step(f"@{create}", [auth], xml),
        step(f"@{get}", [auth]),
        step(f"@{get_config}", [auth]),
        step(f"@{update}", [auth, "If-Match: {etag}"], disabled),
        b"+5",
        step(f"@{delete}", [auth, "If-Match: {etag}"]),
        step(f"@{get}", [auth]),
    )


def control_plane_seeds(directory):
    """Fixtures imported as snapshots and as files, then every kind of control call on top."""
    snapshots, xml_fixtures, ids = [], [], []
    for path in sorted(FIXTURES.glob("*.json")) if FIXTURES.is_dir() else []:
        text = path.read_text("utf-8")
        snapshots.append(text)
        ids += [r["id"] for r in json.loads(text).get("resources", []) if isinstance(r, dict) and "id" in r]
    for path in sorted(FIXTURES.glob("*.xml")) if FIXTURES.is_dir() else []:
        xml_fixtures.append((path.name, path.read_text("utf-8")))
    calls = [
        'POST /clock\n{"advance_seconds": 900}', 'POST /clock\n{"advance_seconds": 3153600000}',
        "POST /settle\n{}", 'PATCH /config\n{"propagation_delay_seconds": 60, "max_distributions": 2}',
        'POST /faults\n{"operation": "*", "error": "Throttling", "count": 2}', "GET /faults", "DELETE /faults",
        "GET /requests?limit=5", "GET /health", "GET /clock", 'POST /reset\n{"account": "222222222222"}',
        "POST /reset\n{}", "GET /state"]
    calls += [f'POST /resources/{i}/touch\n{{"enabled": false, "comment": "x"}}' for i in ids[:2]]
    calls += [f'POST /settle\n{{"id": "{i}"}}' for i in ids[:1]]
    for text in snapshots:
        write(directory, sequence(b"PUT /state\n" + text.encode(), *(c.encode() for c in calls)))
        write(directory, sequence(b"FIXTURE s.json\n" + text.encode(), b"GET /state"))
        write(directory, b'PUT /state\n{"version": ' + b"[" * 70 + b"]" * 70 + b"}")
    for name, text in xml_fixtures:
        write(directory, sequence(f"FIXTURE {name}\n{text}".encode(), b"GET /state", b"POST /settle\n{}"))
    for call in calls:
        write(directory, call.encode())
    return {'"resources"', '"account"', '"kind"', '"config"', '"metadata"', '"sequence"', '"unique_keys"',
            '"references"', '"created_ms"', '"modified_ms"', '"settles_at_ms"', '"parent"', '"etag"', '"Tags"',
            '"advance_seconds"', "PUT /state\n", "GET /state", "POST /clock\n", "FIXTURE a.json\n",
            "FIXTURE a.xml\n", "\n%%\n", "9223372036854775807", "1e308", "[[[[", "}}}}", '"distribution"',
            '"invalidation"', '"origin-access-identity"', '"cache-policy"', '"key-group"', '"public-key"'}


def http_framing_seeds(directory):
    """Raw requests of every framing, pipelined, and broken ones."""
    body = next((t.encode() for _, t in ((p.name, p.read_text("utf-8")) for p in sorted(FIXTURES.glob("*.xml")))
                 if "<DistributionConfig" in t), b"<DistributionConfig/>") if FIXTURES.is_dir() else b"<x/>"
    auth = f"Authorization: {ACCOUNT_AUTH}\r\n".encode()
    get = b"GET /2020-05-31/distribution HTTP/1.1\r\nHost: x\r\n\r\n"
    create = (b"POST /2020-05-31/distribution HTTP/1.1\r\nHost: x\r\n" + auth +
              f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    chunks = b"".join(f"{len(body[i:i + 500]):x}\r\n".encode() + body[i:i + 500] + b"\r\n"
                      for i in range(0, len(body), 500))
    chunked = (b"POST /2020-05-31/distribution HTTP/1.1\r\nHost: x\r\n" + auth +
               b"Transfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n")
    seeds = [
        get, get * 5, create, chunked, create + get, chunked + get,
        b"GET /2020-05-31/distribution HTTP/1.1\r\nHost: x\r\nContent-Length: " +
        str(len(create)).encode() + b"\r\n\r\n" + create,
        b"POST /2020-05-31/distribution HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n" +
        f"Content-Length: {len(body)}\r\n\r\n".encode() + body,
        b"GET /2020-05-31/distribution HTTP/1.0\r\n\r\n", b"\r\n\r\n" + get,
        b"GET /2020-05-31/distribution/%0d%0a HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /2020-05-31/tagging?Operation=Tag&Operation=Untag HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
        b"POST /2020-05-31/distribution HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc",
        b"POST /x HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4;a=b\r\nabcd\r\n0\r\nT: v\r\n\r\n" + get,
        b"GET /x HTTP/1.1\r\nX: a\r\n folded\r\n\r\n", b"GET / HTTP/2.0\r\n\r\n",
        b"POST /2020-05-31/distribution HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc",
        b"GET /_emulator/health HTTP/1.1\r\n\r\n", b"PUT /_emulator/state HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
    ]
    for seed in seeds:
        write(directory, seed)
    return {"\r\n", "\r\n\r\n", "HTTP/1.1", "HTTP/1.0", "GET ", "POST ", "PUT ", "DELETE ", "PATCH ", "OPTIONS ",
            "HEAD ", "Content-Length: ", "Transfer-Encoding: chunked", "Content-Encoding: gzip", "Expect: 100-continue",
            "Connection: close", "Connection: keep-alive", "Host: x", "0\r\n\r\n", "If-Match: ", auth.decode(),
            "/2020-05-31/distribution", "/_emulator/state", "%0d%0a", "?WithTags", "?Operation=Tag"}


def dictionary_line(token):
    escaped = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else f"\\x{ord(c):02X}" for c in token)
    return f'"{escaped}"\n'


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "build-fuzz" / "corpus-seeds")
    codec_dir, dispatcher_dir = out / "xml_codec", out / "dispatcher"

    roots = {}  # root element → (an operation sending it, its payload member)
    for op_name in MODEL.operation_names:
        op = MODEL.operation_model(op_name)
        found = payload_of(op)
        if found:
            roots.setdefault(found[1], (op_name, found[0]))

    elements = set()
    for op_name in MODEL.operation_names:
        op = MODEL.operation_model(op_name)
        found = payload_of(op)
        # Every operation alone, without and with a full example body.
        write(dispatcher_dir, step(f"@{op_name}"))
        if not found:
            continue
        payload_name, root, shape = found
        try:
            xml = serialize(op, payload_name, example(shape))
        except Exception as e:
            print(f"make_seeds: no example for {op_name}: {e!r}", file=sys.stderr)
            continue
        write(codec_dir, root.encode() + b"\n" + xml)
        write(dispatcher_dir, step(f"@{op_name}", [f"Authorization: {ACCOUNT_AUTH}", "If-Match: {etag}"], xml))
        elements.update(local(e.tag) for e in ET.fromstring(xml).iter())

    fixtures = fixture_payloads(roots)
    for root, xml in fixtures:
        write(codec_dir, root.encode() + b"\n" + xml)
        if root in ("DistributionConfig", "StreamingDistributionConfig"):
            write(dispatcher_dir, lifecycle(root, xml))

    tokens = {f"<{e}>" for e in elements} | {f"</{e}>" for e in elements} | set(roots)
    tokens |= {"<Items/>", "<Quantity>0</Quantity>", "<Quantity>1</Quantity>", "true", "false", "&amp;", "&#13;",
               "&#x1;", "<![CDATA[", "]]>", f' xmlns="{NS}"'}
    (out / "xml_codec.dict").write_text("".join(dictionary_line(t) for t in sorted(tokens)), "utf-8")

    dispatcher_tokens = {f"@{name}" for name in MODEL.operation_names}
    dispatcher_tokens |= {"{id}", "{id1}", "{id2}", "{etag}", "{arn}", "{account}", "\n%%\n", "\n\n", "+60",
                          "If-Match: ", "Authorization: ", ACCOUNT_AUTH, "?WithTags", "?Operation=Tag",
                          "?Operation=Untag", "Resource={arn}", "MaxItems=", "Marker=", "/2020-05-31/",
                          "GET ", "PUT ", "POST ", "DELETE ", "PATCH ", "%00", "%2F", "%FF"}
    dispatcher_tokens |= {MODEL.operation_model(n).http["requestUri"].split("?")[0] for n in MODEL.operation_names}
    dispatcher_tokens |= {KVS_MODEL.operation_model(n).http["requestUri"] for n in KVS_MODEL.operation_names}
    dispatcher_tokens |= {"/key-value-stores/arn%3Aaws%3Acloudfront%3A%3A111111111111%3Akey-value-store%2Fx"}
    dispatcher_tokens |= tokens
    (out / "dispatcher.dict").write_text("".join(dictionary_line(t) for t in sorted(dispatcher_tokens)), "utf-8")

    # The rest-json harness: the first byte picks the shape (json_codec_fuzzer.cpp), the rest is JSON.
    json_dir = out / "json_codec"
    json_tokens = {'"__type"', "null", "true", "false", "[]", "{}", "1e400", "-0", "1.5", '"\\u0000"'}
    for index, name in enumerate(KVS_MODEL.operation_names):
        op = KVS_MODEL.operation_model(name)
        for offset, shape in ((0, op.input_shape), (1, op.output_shape)):
            body = {m: example(member) for m, member in shape.members.items()
                    if "location" not in member.serialization}
            write(json_dir, bytes([2 * index + offset]) + json.dumps(body, default=str).encode())
            json_tokens |= {f'"{m}"' for m in shape.members}
    (out / "json_codec.dict").write_text("".join(dictionary_line(t) for t in sorted(json_tokens)), "utf-8")
    control_tokens = control_plane_seeds(out / "control_plane")
    (out / "control_plane.dict").write_text("".join(dictionary_line(t) for t in sorted(control_tokens)), "utf-8")
    http_tokens = http_framing_seeds(out / "http_framing")
    (out / "http_framing.dict").write_text("".join(dictionary_line(t) for t in sorted(http_tokens)), "utf-8")
    # The fast path reads the same bytes: the same seeds, and header spellings it must tell apart.
    plain_tokens = http_framing_seeds(out / "plain_http") | {
        "Accept-Encoding: identity\r\n", "Accept-Encoding: gzip\r\n", "Connection: close\r\n",
        "Connection: keep-alive\r\n", "Range: bytes=0-1\r\n", "x-amz-meta-a: 1\r\n", "%2F", "?a=b&c", ":\t"}
    (out / "plain_http.dict").write_text("".join(dictionary_line(t) for t in sorted(plain_tokens)), "utf-8")

    count = lambda d: len(list(d.iterdir())) if d.is_dir() else 0
    print(f"make_seeds: {count(codec_dir)} xml_codec and {count(dispatcher_dir)} dispatcher seeds "
          f"({len(fixtures)} payloads from fixtures/) in {out}")


if __name__ == "__main__":
    main()
