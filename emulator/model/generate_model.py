#!/usr/bin/env python3
"""Generates the model tables, the error constructors and the documentation-free
model copies from botocore's service models.

Usage: generate_model.py MODEL/service-2.json [MODEL/service-2.json ...]

e.g. (from the repository root)
  python3 emulator/model/generate_model.py \\
      ../shared/models/cloudfront/2020-05-31/service-2.json \\
      ../shared/models/cloudfront-keyvaluestore/2022-07-26/service-2.json

Each model is laid out as in botocore's data path: SERVICE/API_VERSION/service-2.json,
with paginators-1.json, waiters-2.json and endpoint-rule-set-1.json beside it when
the service has them. Writes, next to this script:
  generated/model_tables.cpp   every service, shape, member and operation (model.h)
  generated/model_services.h   one ServiceId per model, in argument order
  generated/errors.h, .cpp     one constructor per error shape of each model (errors.h)
  botocore/SERVICE/API_VERSION/*.json
                               the models without documentation or examples, for
                               tests that hand them to botocore (AWS_DATA_PATH)
All of it is checked in, so building never needs the models. Regenerate after
updating a model and commit the result.
"""
import hashlib
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

TYPES = {
    "structure": "kStructure", "list": "kList", "map": "kMap", "string": "kString",
    "integer": "kInteger", "long": "kLong", "boolean": "kBoolean", "timestamp": "kTimestamp",
    "blob": "kBlob", "double": "kDouble", "float": "kFloat",
}
LOCATIONS = {None: "kBody", "uri": "kUri", "querystring": "kQuery", "header": "kHeader",
             "headers": "kHeaders", "statusCode": "kStatusCode"}
METHODS = {"GET": "kGet", "POST": "kPost", "PUT": "kPut", "DELETE": "kDelete", "PATCH": "kPatch",
           "HEAD": "kHead"}
PROTOCOLS = {"rest-xml": "kRestXml", "rest-json": "kRestJson"}
TIMESTAMP_FORMATS = {None: "kDefault", "iso8601": "kIso8601", "rfc822": "kRfc822",
                     "unixTimestamp": "kUnixTimestamp"}
# The C++ namespace of each service's error constructors.
ERROR_NAMESPACES = {"cloudfront": "errors", "cloudfront-keyvaluestore": "kvs_errors"}
# Keys that carry prose, not facts: left out of the model copies.
PROSE_KEYS = {"documentation", "documentationUrl", "examples"}
COMPANION_FILES = ("paginators-1.json", "waiters-2.json", "endpoint-rule-set-1.json")


def cstr(text):
    return json.dumps(text) + "sv"


def flags(names):
    return " | ".join(names) if names else "0"


def bound(shape, key):
    """min/max as an integer, or nullopt (fractional bounds of doubles are not kept)."""
    value = shape.get(key)
    if value is None or float(value) != int(value):
        return "std::nullopt"
    return str(int(value))


def service_dir(model_path):
    """SERVICE/API_VERSION of a model laid out as botocore's data path."""
    version_dir = os.path.dirname(os.path.abspath(model_path))
    return os.path.basename(os.path.dirname(version_dir)), os.path.basename(version_dir)


def cpp_identifier(service_id):
    return "k" + "".join(word[:1].upper() + word[1:] for word in re.split(r"[^A-Za-z0-9]+", service_id))


class Tables:
    """Rows of the generated C++ tables, for every service in turn."""

    def __init__(self):
        self.members, self.enums, self.error_refs = [], [], []
        self.shapes, self.operations, self.services = [], [], []
        self.shape_count = 0

    def add_service(self, index, name, model):
        shapes = model["shapes"]
        names = sorted(shapes)
        first_shape = self.shape_count
        ids = {shape_name: first_shape + offset for offset, shape_name in enumerate(names)}
        self.shape_count += len(names)
        for shape_name in names:
            self.add_shape(index, shape_name, shapes[shape_name], ids)
        first_operation = len(self.operations)
        for operation_name in sorted(model["operations"]):
            self.add_operation(index, operation_name, model["operations"][operation_name], ids)
        meta = model["metadata"]
        namespace = meta.get("xmlNamespace", "")
        if not namespace and meta["protocol"] == "rest-xml":
            namespace = "http://%s.amazonaws.com/doc/%s/" % (meta["endpointPrefix"], meta["apiVersion"])
        self.services.append("  {%s, %s, ProtocolKind::%s, %s, %s, %s, %s, %d, %d, %d, %d}," % (
            cstr(name), cstr(meta["serviceId"]), PROTOCOLS[meta["protocol"]], cstr(meta["apiVersion"]),
            cstr(namespace), cstr(meta.get("signingName", meta["endpointPrefix"])),
            cstr(meta["endpointPrefix"]), first_shape, len(names), first_operation,
            len(self.operations) - first_operation))

    def add_shape(self, service, name, shape, ids):
        member_start, enum_start = len(self.members), len(self.enums)
        required = set(shape.get("required", []))
        for member_name, member in shape.get("members", {}).items():
            self.members.append(member_row(member_name, member, member_name in required, ids))
        for value in shape.get("enum", []):
            self.enums.append("  %s," % cstr(value))
        list_member = shape.get("member", {})
        key, value = shape.get("key", {}), shape.get("value", {})
        error = shape.get("error", {})
        shape_flags = []
        if shape.get("flattened"):
            shape_flags.append("kFlattened")
        if shape.get("streaming"):
            shape_flags.append("kStreaming")
        if shape.get("union"):
            shape_flags.append("kUnion")
        if shape.get("exception"):
            shape_flags.append("kException")
        if shape.get("sensitive"):
            shape_flags.append("kSensitive")
        if any(member.get("xmlAttribute") for member in shape.get("members", {}).values()):
            shape_flags.append("kHasXmlAttributes")
        self.shapes.append(
            "  {%s, ShapeType::%s, Members(%d, %d), %s, %s, %s, Enums(%d, %d), %s, %s, %d, %s, "
            "%d, %s, %s, %s, %s, %s, TimestampFormat::%s, %s}," % (
                cstr(name), TYPES[shape["type"]], member_start, len(self.members) - member_start,
                cstr(shape.get("payload", "")),
                str(ids[list_member["shape"]]) if list_member else "kNoShape",
                cstr(list_member.get("locationName", "member")) if list_member else '""sv',
                enum_start, len(self.enums) - enum_start, bound(shape, "min"), bound(shape, "max"),
                error.get("httpStatusCode", 0), "true" if error.get("senderFault") else "false",
                service,
                str(ids[key["shape"]]) if key else "kNoShape",
                str(ids[value["shape"]]) if value else "kNoShape",
                cstr(key.get("locationName", "key")) if key else '""sv',
                cstr(value.get("locationName", "value")) if value else '""sv',
                cstr(shape.get("pattern", "")),
                TIMESTAMP_FORMATS[shape.get("timestampFormat")], flags(shape_flags)))

    def add_operation(self, service, name, operation, ids):
        http = operation["http"]
        path, _, query = http["requestUri"].partition("?")
        errors_start = len(self.error_refs)
        for error in operation.get("errors", []):
            self.error_refs.append("  %d,  // %s" % (ids[error["shape"]], error["shape"]))
        operation_input = operation.get("input", {})
        self.operations.append("  {%s, HttpMethod::%s, %s, %s, %d, %s, %s, %s, %d, %s, %s, ErrorRefs(%d, %d), %s}," % (
            cstr(name), METHODS[http["method"]], cstr(path), cstr(query), http.get("responseCode", 200),
            str(ids[operation_input["shape"]]) if operation_input else "kNoShape",
            str(ids[operation["output"]["shape"]]) if "output" in operation else "kNoShape",
            "true" if operation.get("deprecated") else "false", service,
            cstr(operation_input.get("locationName", "")),
            cstr(operation_input.get("xmlNamespace", {}).get("uri", "")),
            errors_start, len(self.error_refs) - errors_start,
            cstr(operation.get("endpoint", {}).get("hostPrefix", ""))))


def member_row(name, member, required, ids):
    member_flags = []
    for trait, flag in (("xmlAttribute", "kXmlAttribute"), ("flattened", "kMemberFlattened"),
                        ("jsonvalue", "kJsonValue"), ("idempotencyToken", "kIdempotencyToken"),
                        ("hostLabel", "kHostLabel"), ("deprecated", "kDeprecated")):
        if member.get(trait):
            member_flags.append(flag)
    namespace = member.get("xmlNamespace", {})
    if isinstance(namespace, str):
        namespace = {"uri": namespace}
    return "  {%s, %s, Location::%s, %d, %s, %s, TimestampFormat::%s, %s, %s}," % (
        cstr(name), cstr(member.get("locationName", name)), LOCATIONS[member.get("location")],
        ids[member["shape"]], "true" if required else "false", flags(member_flags),
        TIMESTAMP_FORMATS[member.get("timestampFormat")], cstr(namespace.get("prefix", "")),
        cstr(namespace.get("uri", "")))


def banner(sources, comment="//"):
    lines = ["%s GENERATED FILE - DO NOT EDIT." % comment,
             "%s Generated by emulator/model/generate_model.py from botocore's models (Apache-2.0):" % comment]
    for source, digest in sources:
        lines.append("%s   %s (sha256 %s)" % (comment, source, digest))
    lines.append("%s Regenerate: python3 emulator/model/generate_model.py %s" % (
        comment, " ".join("../shared/models/" + source for source, _ in sources)))
    return "\n".join(lines) + "\n"


TABLES_TEMPLATE = """\
{banner}#include "emulator/model/model.h"

#include <string_view>

namespace cfl::model {{
namespace {{
using namespace std::string_view_literals;

constexpr MemberDef kMembers[] = {{
{members}
}};

constexpr std::string_view kEnums[] = {{
{enums}
}};

constexpr ShapeId kErrorRefs[] = {{
{error_refs}
}};

constexpr std::span<const MemberDef> Members(std::size_t start, std::size_t count) {{
  return std::span<const MemberDef>(kMembers).subspan(start, count);
}}

constexpr std::span<const std::string_view> Enums(std::size_t start, std::size_t count) {{
  return std::span<const std::string_view>(kEnums).subspan(start, count);
}}

constexpr std::span<const ShapeId> ErrorRefs(std::size_t start, std::size_t count) {{
  return std::span<const ShapeId>(kErrorRefs).subspan(start, count);
}}

constexpr ShapeDef kShapes[] = {{
{shapes}
}};

constexpr OperationDef kOperations[] = {{
{operations}
}};

constexpr ServiceDef kServices[] = {{
{services}
}};
}}  // namespace

std::span<const ShapeDef> Shapes() {{ return kShapes; }}
std::span<const OperationDef> Operations() {{ return kOperations; }}
std::span<const ServiceDef> Services() {{ return kServices; }}

}}  // namespace cfl::model
"""

SERVICES_TEMPLATE = """\
{banner}#pragma once

#include <cstdint>

namespace cfl::model {{

// The services of the generated tables, by their index in Services().
enum class ServiceId : std::uint8_t {{
{rows}
}};

}}  // namespace cfl::model
"""

ERRORS_HEADER_TEMPLATE = """\
{banner}// One constructor per error shape of each model: an error code that does not
// exist does not compile. Each returns the error with the model's HTTP status
// and fault; the message is the caller's (empty: the code's message in
// model/error_messages.cpp). Errors the models do not describe are declared
// by hand in emulator/model/errors.h.
#pragma once

#include <string>

#include "emulator/model/api_error.h"
{namespaces}"""

ERRORS_SOURCE_TEMPLATE = """\
{banner}#include "emulator/model/generated/errors.h"

#include <utility>

#include "emulator/model/error_messages.h"

namespace {{
std::string WithDefault(std::string_view code, std::string message) {{
  return message.empty() ? std::string(cfl::model::DefaultMessage(code)) : std::move(message);
}}
}}  // namespace
{namespaces}"""


def error_namespaces(models, declare):
    text = []
    for (name, model) in models:
        namespace = ERROR_NAMESPACES.get(name, name.replace("-", "_") + "_errors")
        shapes = model["shapes"]
        lines = ["", "// %s (%s)" % (model["metadata"]["serviceFullName"], model["metadata"]["apiVersion"]),
                 "namespace cfl::%s {" % namespace, ""]
        for shape_name in sorted(shapes):
            shape = shapes[shape_name]
            if not shape.get("exception"):
                continue
            error = shape.get("error", {})
            status = error.get("httpStatusCode", 400)
            sender = error.get("senderFault", False) or status < 500
            if declare:
                lines.append("ApiError %s(std::string message = {});  // %d" % (shape_name, status))
            else:
                lines.append("ApiError %s(std::string message) {" % shape_name)
                code = json.dumps(error.get("code", shape_name))
                lines.append("  return {%s, WithDefault(%s, std::move(message)), %d, %s};" % (
                    code, code, status, "true" if sender else "false"))
                lines.append("}")
        lines += ["", "}  // namespace cfl::%s" % namespace]
        text.append("\n".join(lines) + "\n")
    return "".join(text)


def without_prose(value):
    if isinstance(value, dict):
        return {key: without_prose(item) for key, item in value.items() if key not in PROSE_KEYS}
    if isinstance(value, list):
        return [without_prose(item) for item in value]
    return value


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write(text)


def copy_without_prose(model_path, service, version):
    """The model and its companions, facts only, under botocore/SERVICE/VERSION/."""
    source_dir = os.path.dirname(os.path.abspath(model_path))
    target_dir = os.path.join(HERE, "botocore", service, version)
    for file_name in ("service-2.json",) + COMPANION_FILES:
        source = os.path.join(source_dir, file_name)
        if not os.path.exists(source):
            continue
        with open(source, "rb") as handle:
            data = json.load(handle)
        write(os.path.join(target_dir, file_name), json.dumps(without_prose(data), indent=1) + "\n")


def main():
    paths = sys.argv[1:]
    if not paths or any(path.startswith("-") for path in paths):
        sys.exit(__doc__)
    tables, models, sources, service_rows = Tables(), [], [], []
    for index, path in enumerate(paths):
        raw = open(path, "rb").read()
        model = json.loads(raw)
        service, version = service_dir(path)
        if version != model["metadata"]["apiVersion"]:
            sys.exit("%s: the directory says %s, the model %s" % (path, version, model["metadata"]["apiVersion"]))
        if model["metadata"]["protocol"] not in PROTOCOLS:
            sys.exit("%s: protocol %s has no codec" % (path, model["metadata"]["protocol"]))
        tables.add_service(index, service, model)
        models.append((service, model))
        sources.append(("%s/%s/service-2.json" % (service, version), hashlib.sha256(raw).hexdigest()))
        service_rows.append("  %s = %d,  // %s %s" % (cpp_identifier(model["metadata"]["serviceId"]), index,
                                                   service, version))
        copy_without_prose(path, service, version)
    if tables.shape_count >= 0xFFFF:
        sys.exit("too many shapes for a 16-bit ShapeId")
    head = banner(sources)
    write(os.path.join(HERE, "generated", "model_tables.cpp"), TABLES_TEMPLATE.format(
        banner=head, members="\n".join(tables.members), enums="\n".join(tables.enums) or '  ""sv',
        error_refs="\n".join(tables.error_refs) or "  kNoShape,", shapes="\n".join(tables.shapes),
        operations="\n".join(tables.operations), services="\n".join(tables.services)))
    write(os.path.join(HERE, "generated", "model_services.h"),
          SERVICES_TEMPLATE.format(banner=head, rows="\n".join(service_rows)))
    write(os.path.join(HERE, "generated", "errors.h"),
          ERRORS_HEADER_TEMPLATE.format(banner=head, namespaces=error_namespaces(models, declare=True)))
    write(os.path.join(HERE, "generated", "errors.cpp"),
          ERRORS_SOURCE_TEMPLATE.format(banner=head, namespaces=error_namespaces(models, declare=False)))
    for (service, model) in models:
        print("%s: %d operations, %d shapes" % (service, len(model["operations"]), len(model["shapes"])))


if __name__ == "__main__":
    main()
