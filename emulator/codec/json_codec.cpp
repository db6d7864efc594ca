#include "emulator/codec/json_codec.h"

#include <cmath>
#include <vector>

#include "emulator/codec/wire_text.h"
#include "emulator/common/clock.h"

namespace cfl::model {
namespace {

constexpr int kMaxNesting = 64;

// Whether the JSON text nests arrays and objects at most max_depth deep
// (strings skipped): nlohmann's parser recurses once per level.
bool NestingWithin(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

class JsonDecoder {
 public:
  Result<Json, ApiError> Decode(const Json& wire, ShapeId shape_id) {
    const ShapeDef& shape = Shape(shape_id);
    switch (shape.type) {
      case ShapeType::kStructure:
        return Structure(wire, shape);
      case ShapeType::kList: {
        if (!wire.is_array()) return WrongType("a list");
        Json array = Json::array();
        for (std::size_t i = 0; i < wire.size(); ++i) {
          if (wire[i].is_null()) continue;
          path_.push_back("[" + std::to_string(i) + "]");
          auto item = Decode(wire[i], shape.list_member);
          path_.pop_back();
          if (!item) return item;
          array.push_back(std::move(item).value());
        }
        return array;
      }
      case ShapeType::kMap: {
        if (!wire.is_object()) return WrongType("a map");
        Json object = Json::object();
        for (const auto& [key, item] : wire.items()) {
          if (item.is_null()) continue;
          path_.push_back(key);
          auto value = Decode(item, shape.map_value);
          path_.pop_back();
          if (!value) return value;
          object[key] = std::move(value).value();
        }
        return object;
      }
      case ShapeType::kString:
        if (!wire.is_string()) return WrongType("a string");
        return wire;
      case ShapeType::kBoolean:
        if (!wire.is_boolean()) return WrongType("a boolean");
        return wire;
      case ShapeType::kInteger:
      case ShapeType::kLong:
        if (wire.is_number_unsigned() && wire.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
          return WrongType("an integer");
        }
        if (!wire.is_number_integer()) return WrongType("an integer");
        return Json(wire.get<std::int64_t>());
      case ShapeType::kDouble:
      case ShapeType::kFloat:
        if (!wire.is_number()) return WrongType("a number");
        return Json(wire.get<double>());
      case ShapeType::kTimestamp: {
        std::optional<std::int64_t> ms;
        if (wire.is_number() && std::isfinite(wire.get<double>()) && std::fabs(wire.get<double>()) < 1e13) {
          ms = static_cast<std::int64_t>(std::llround(wire.get<double>() * 1000));
        } else if (wire.is_string()) {
          ms = ParseTimestamp(wire.get_ref<const std::string&>());
        }
        if (!ms || !InTimestampRange(*ms)) return WrongType("a timestamp");
        return Json(FormatIso8601(*ms));
      }
      case ShapeType::kBlob:
        if (!wire.is_string() || !Base64Decode(wire.get_ref<const std::string&>())) return WrongType("base64 text");
        return wire;
    }
    return WrongType("a known type");
  }

 private:
  Result<Json, ApiError> Structure(const Json& wire, const ShapeDef& shape) {
    if (!wire.is_object()) return WrongType("an object");
    Json object = Json::object();
    for (const auto& [key, item] : wire.items()) {
      const MemberDef* member = FindBodyMember(shape, key);
      if (!member || item.is_null()) continue;
      path_.push_back(key);
      auto value = Decode(item, member->shape);
      path_.pop_back();
      if (!value) return value;
      object[std::string(member->name)] = std::move(value).value();
    }
    return object;
  }

  Result<Json, ApiError> WrongType(std::string_view expected) const {
    std::string where;
    for (const auto& part : path_) where += (where.empty() || part.front() == '[' ? "" : ".") + part;
    return Fail(kvs_errors::SerializationException("Expected " + std::string(expected) + " at '" + where + "'."));
  }

  std::vector<std::string> path_;
};

}  // namespace

Result<Json, ApiError> DecodeJson(std::string_view body, ShapeId shape) {
  if (!NestingWithin(body, kMaxNesting)) {
    return Fail(kvs_errors::SerializationException("The JSON body nests deeper than " + std::to_string(kMaxNesting) +
                                                   " levels."));
  }
  const Json wire = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (wire.is_discarded()) return Fail(kvs_errors::SerializationException("The request body is not valid JSON."));
  return JsonDecoder().Decode(wire, shape);
}

Json ToWireJson(const Json& value, ShapeId shape_id) {
  const ShapeDef& shape = Shape(shape_id);
  switch (shape.type) {
    case ShapeType::kStructure: {
      Json object = Json::object();
      if (!value.is_object()) return object;
      for (const auto& member : shape.members) {
        if (member.location != Location::kBody) continue;
        const Json* found = FindJsonMember(value, member.name);
        if (found == nullptr || found->is_null()) continue;
        object[std::string(member.wire_name)] = ToWireJson(*found, member.shape);
      }
      return object;
    }
    case ShapeType::kList: {
      Json array = Json::array();
      if (!value.is_array()) return array;
      for (const auto& item : value) array.push_back(ToWireJson(item, shape.list_member));
      return array;
    }
    case ShapeType::kMap: {
      Json object = Json::object();
      if (!value.is_object()) return object;
      for (const auto& [key, item] : value.items()) object[key] = ToWireJson(item, shape.map_value);
      return object;
    }
    case ShapeType::kTimestamp: {
      if (!value.is_string()) return value;
      const auto ms = ParseTimestamp(value.get_ref<const std::string&>());
      if (!ms) return value;
      if (*ms % 1000 == 0) return Json(*ms / 1000);
      return Json(static_cast<double>(*ms) / 1000.0);
    }
    default:
      return value;
  }
}

std::string EncodeJson(const Json& value, ShapeId shape) {
  // Strings that are not UTF-8 (none the decoders make) are replaced, never thrown on.
  return ToWireJson(value, shape).dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace cfl::model
