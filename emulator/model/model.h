// The API models as C++ tables: services, operations, shapes, members and
// errors, for every model the generator was given (CloudFront 2020-05-31,
// rest-xml, and the CloudFront KeyValueStore data plane 2022-07-26,
// rest-json). The tables are generated (generated/model_tables.cpp) from
// botocore's service-2.json files by generate_model.py; this header is the
// stable, hand-written view of them. Everything here is immutable: safe to
// read from any number of threads.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "emulator/model/generated/model_services.h"

namespace cfl::model {

// CloudFront's own (the emulator's first service).
inline constexpr std::string_view kApiVersion = "2020-05-31";
inline constexpr std::string_view kXmlNamespace = "http://cloudfront.amazonaws.com/doc/2020-05-31/";

using ShapeId = std::uint16_t;  // an index into Shapes(), unique across services
inline constexpr ShapeId kNoShape = 0xFFFF;

enum class ShapeType : std::uint8_t {
  kStructure, kList, kMap, kString, kInteger, kLong, kBoolean, kTimestamp, kBlob, kDouble, kFloat
};

// Where a member travels in the HTTP message. kHeaders is a map of the
// headers whose names start with wire_name; kStatusCode the response status.
enum class Location : std::uint8_t { kBody, kUri, kQuery, kHeader, kHeaders, kStatusCode };

enum class HttpMethod : std::uint8_t { kGet, kPost, kPut, kDelete, kPatch, kHead };

enum class ProtocolKind : std::uint8_t { kRestXml, kRestJson };

// kDefault: the protocol's default for the location (rest-xml body and
// query: ISO 8601; rest-json body: epoch seconds; headers: RFC 822).
enum class TimestampFormat : std::uint8_t { kDefault, kIso8601, kRfc822, kUnixTimestamp };

// MemberDef::flags
inline constexpr std::uint8_t kXmlAttribute = 1 << 0;
inline constexpr std::uint8_t kMemberFlattened = 1 << 1;
inline constexpr std::uint8_t kJsonValue = 1 << 2;         // a string holding a JSON document
inline constexpr std::uint8_t kIdempotencyToken = 1 << 3;  // filled with a UUID by SDKs when absent
inline constexpr std::uint8_t kHostLabel = 1 << 4;
inline constexpr std::uint8_t kDeprecated = 1 << 5;

// ShapeDef::flags
inline constexpr std::uint8_t kFlattened = 1 << 0;  // list/map items without a wrapper element
inline constexpr std::uint8_t kStreaming = 1 << 1;
inline constexpr std::uint8_t kUnion = 1 << 2;  // a structure with exactly one member set
inline constexpr std::uint8_t kException = 1 << 3;
inline constexpr std::uint8_t kSensitive = 1 << 4;
inline constexpr std::uint8_t kHasXmlAttributes = 1 << 5;  // a structure with a kXmlAttribute member

struct MemberDef {
  std::string_view name;       // the member's name in the model (and in our JSON values)
  std::string_view wire_name;  // XML element, JSON key, header, query key or URI label
  Location location;
  ShapeId shape;
  bool required;
  std::uint8_t flags = 0;  // kXmlAttribute, kMemberFlattened, ...
  TimestampFormat timestamp_format = TimestampFormat::kDefault;
  std::string_view xml_namespace_prefix = {};  // "" without an xmlNamespace trait
  std::string_view xml_namespace_uri = {};

  bool Has(std::uint8_t flag) const { return (flags & flag) != 0; }
};

struct ShapeDef {
  std::string_view name;
  ShapeType type;
  std::span<const MemberDef> members;        // kStructure
  std::string_view payload;                  // kStructure: the member sent as the body, "" if none
  ShapeId list_member = kNoShape;            // kList
  std::string_view list_member_name;         // kList: element name of each item
  std::span<const std::string_view> enum_values;  // kString with an enum
  std::optional<std::int64_t> min;           // string/blob length, list size, or numeric bounds
  std::optional<std::int64_t> max;
  int error_status = 0;                      // > 0 for error shapes: their HTTP status
  bool sender_fault = false;
  std::uint8_t service = 0;                  // index into Services()
  ShapeId map_key = kNoShape;                // kMap
  ShapeId map_value = kNoShape;
  std::string_view map_key_name;             // kMap: element names in XML ("key", "value")
  std::string_view map_value_name;
  std::string_view pattern;                  // kString: a regular expression the whole value must match, "" if none
  TimestampFormat timestamp_format = TimestampFormat::kDefault;
  std::uint8_t flags = 0;                    // kFlattened, kStreaming, ...

  bool Has(std::uint8_t flag) const { return (flags & flag) != 0; }
};

struct OperationDef {
  std::string_view name;
  HttpMethod method;
  std::string_view path;            // template, e.g. /2020-05-31/distribution/{Id}/config
  std::string_view required_query;  // "" or "WithTags" or "Operation=Tag"
  int success_status;
  ShapeId input;                    // kNoShape when the operation takes none
  ShapeId output;
  bool deprecated;
  std::uint8_t service = 0;         // index into Services()
  // rest-xml inputs with body members but no payload member: the body's root
  // element and its namespace ("" otherwise).
  std::string_view input_root = {};
  std::string_view input_xml_namespace = {};
  std::span<const ShapeId> errors = {};  // the error shapes the model names for the operation
  std::string_view host_prefix = {};     // e.g. "{AccountId}." ("" if none)
};

struct ServiceDef {
  std::string_view name;  // botocore's service name (its data directory): "cloudfront"
  std::string_view service_id;  // "CloudFront KeyValueStore"
  ProtocolKind protocol;
  std::string_view api_version;
  std::string_view xml_namespace;  // rest-xml: the documents' namespace
  std::string_view signing_name;   // SigV4 credential scope service
  std::string_view endpoint_prefix;
  ShapeId first_shape;   // the service's shapes are Shapes()[first_shape, first_shape + shape_count)
  ShapeId shape_count;
  std::uint16_t first_operation;  // likewise in Operations()
  std::uint16_t operation_count;

  std::span<const ShapeDef> Shapes() const;
  std::span<const OperationDef> Operations() const;
};

// Every service, shape and operation; within a service, shapes and
// operations are sorted by name.
std::span<const ServiceDef> Services();
std::span<const ShapeDef> Shapes();
std::span<const OperationDef> Operations();

const ServiceDef& Service(ServiceId id);
const ServiceDef& ServiceOf(const OperationDef& operation);
const ServiceDef& ServiceOf(const ShapeDef& shape);
// The service whose botocore name, endpoint prefix or signing name is name; nullptr if none.
const ServiceDef* FindService(std::string_view name);

const ShapeDef& Shape(ShapeId id);
ShapeId IdOf(const ShapeDef& shape);

// By name, in CloudFront's model (the first service) or in service's.
std::optional<ShapeId> FindShape(std::string_view name);
std::optional<ShapeId> FindShape(const ServiceDef& service, std::string_view name);
const OperationDef* FindOperation(std::string_view name);
// Whether the model names the error shape called code among operation's errors.
bool ListsError(const OperationDef& operation, std::string_view code);
const OperationDef* FindOperation(const ServiceDef& service, std::string_view name);

// Looks a member up by its model name; nullptr if the structure has none.
const MemberDef* FindMember(const ShapeDef& structure, std::string_view name);
// The body member (not an XML attribute) whose wire name is wire_name: an
// XML element or a JSON key; nullptr if none. Both look-ups use indexes built
// once, on first use.
const MemberDef* FindBodyMember(const ShapeDef& structure, std::string_view wire_name);

}  // namespace cfl::model
