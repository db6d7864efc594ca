#include "emulator/codec/validate.h"

#include <algorithm>

namespace cfl::model {
namespace {

using Check = Result<Ok, ApiError>;

std::string Join(std::string_view path, std::string_view name) {
  return std::string(path) + "." + std::string(name);
}

// CloudFront's lists travel as {Quantity, Items}; the two must agree.
Check CheckQuantity(const Json& object, std::string_view path) {
  const auto quantity = object.find("Quantity");
  if (quantity == object.end() || !quantity->is_number_integer()) return Ok{};
  const auto items = object.find("Items");
  const std::size_t count = (items != object.end() && items->is_array()) ? items->size() : 0;
  if (quantity->get<std::int64_t>() != static_cast<std::int64_t>(count)) {
    return Fail(MakeError("InconsistentQuantities",
                          "The value of Quantity and the size of Items don't match (" + std::string(path) + ")."));
  }
  return Ok{};
}

Check ValidateStructure(const Json& object, const ShapeDef& shape, std::string_view path) {
  for (const auto& member : shape.members) {
    if (member.location != Location::kBody) continue;
    const auto it = object.find(member.name);
    if (it == object.end() || it->is_null()) {
      if (member.required) {
        return Fail(MalformedInput("Missing required element " + Join(path, member.name) + "."));
      }
      continue;
    }
    if (auto check = Validate(*it, member.shape, Join(path, member.name)); !check) return check;
  }
  return CheckQuantity(object, path);
}

Check ValidateString(const std::string& text, const ShapeDef& shape, std::string_view path) {
  if (!shape.enum_values.empty() &&
      std::find(shape.enum_values.begin(), shape.enum_values.end(), text) == shape.enum_values.end()) {
    return Fail(InvalidArgument("Invalid value '" + text + "' for " + std::string(path) + "."));
  }
  const auto length = static_cast<std::int64_t>(text.size());
  if ((shape.min && length < *shape.min) || (shape.max && length > *shape.max)) {
    return Fail(InvalidArgument("The length of " + std::string(path) + " must be between " +
                                std::to_string(shape.min.value_or(0)) + " and " +
                                std::to_string(shape.max.value_or(length)) + " characters."));
  }
  return Ok{};
}

Check ValidateNumber(std::int64_t number, const ShapeDef& shape, std::string_view path) {
  if ((shape.min && number < *shape.min) || (shape.max && number > *shape.max)) {
    return Fail(InvalidArgument("The value of " + std::string(path) + " is out of range."));
  }
  return Ok{};
}

}  // namespace

Check Validate(const Json& value, ShapeId shape_id, std::string_view path) {
  const ShapeDef& shape = Shape(shape_id);
  switch (shape.type) {
    case ShapeType::kStructure:
      return value.is_object() ? ValidateStructure(value, shape, path) : Check(Ok{});
    case ShapeType::kList:
      if (!value.is_array()) return Ok{};
      for (std::size_t i = 0; i < value.size(); ++i) {
        auto check = Validate(value[i], shape.list_member, std::string(path) + "[" + std::to_string(i) + "]");
        if (!check) return check;
      }
      return Ok{};
    case ShapeType::kString:
      return value.is_string() ? ValidateString(value.get_ref<const std::string&>(), shape, path) : Check(Ok{});
    case ShapeType::kInteger:
    case ShapeType::kLong:
      return value.is_number_integer() ? ValidateNumber(value.get<std::int64_t>(), shape, path) : Check(Ok{});
    default:
      return Ok{};
  }
}

}  // namespace cfl::model
