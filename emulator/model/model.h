// The CloudFront API model as C++ tables: operations, shapes, members and
// errors. The tables themselves are generated (generated/model_tables.cpp)
// from botocore's service-2.json by generate_model.py; this header is the
// stable, hand-written view of them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace cfl::model {

inline constexpr std::string_view kApiVersion = "2020-05-31";
inline constexpr std::string_view kXmlNamespace = "http://cloudfront.amazonaws.com/doc/2020-05-31/";

using ShapeId = std::uint16_t;
inline constexpr ShapeId kNoShape = 0xFFFF;

enum class ShapeType : std::uint8_t {
  kStructure, kList, kMap, kString, kInteger, kLong, kBoolean, kTimestamp, kBlob, kDouble, kFloat
};

// Where a member travels in the HTTP message.
enum class Location : std::uint8_t { kBody, kUri, kQuery, kHeader };

enum class HttpMethod : std::uint8_t { kGet, kPost, kPut, kDelete };

struct MemberDef {
  std::string_view name;       // the member's name in the model (and in our JSON values)
  std::string_view wire_name;  // XML element, header, query key or URI label
  Location location;
  ShapeId shape;
  bool required;
};

struct ShapeDef {
  std::string_view name;
  ShapeType type;
  std::span<const MemberDef> members;        // kStructure
  std::string_view payload;                  // kStructure: the member sent as the body, "" if none
  ShapeId list_member = kNoShape;            // kList
  std::string_view list_member_name;         // kList: element name of each item
  std::span<const std::string_view> enum_values;  // kString with an enum
  std::optional<std::int64_t> min;           // string length or numeric bounds
  std::optional<std::int64_t> max;
  int error_status = 0;                      // > 0 for error shapes: their HTTP status
  bool sender_fault = false;
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
};

std::span<const ShapeDef> Shapes();
std::span<const OperationDef> Operations();

const ShapeDef& Shape(ShapeId id);
std::optional<ShapeId> FindShape(std::string_view name);
const OperationDef* FindOperation(std::string_view name);

// Looks a member up by its model name; nullptr if the structure has none.
const MemberDef* FindMember(const ShapeDef& structure, std::string_view name);

}  // namespace cfl::model
