#include "emulator/control/snapshot_kinds.h"

#include "emulator/engine/registry.h"

namespace cfl::control {
namespace {

using model::ShapeType;

std::string Join(const std::string& path, std::string_view member) {
  return path.empty() ? std::string(member) : path + "." + std::string(member);
}

std::string Must(const std::string& path, std::string_view what) {
  return (path.empty() ? std::string("the value") : path) + " must " + std::string(what);
}

std::optional<std::string> Unless(bool fits, const std::string& path, std::string_view what) {
  if (fits) return std::nullopt;
  return Must(path, what);
}

// Type checks only: required members, enums and bounds are model::Validate's.
std::optional<std::string> CheckTypes(const Json& value, model::ShapeId id, const std::string& path) {
  const model::ShapeDef& shape = model::Shape(id);
  switch (shape.type) {
    case ShapeType::kStructure:
      if (!value.is_object()) return Must(path, "be an object");
      for (const auto& [name, member_value] : value.items()) {
        const model::MemberDef* member = model::FindMember(shape, name);
        if (!member) return Join(path, name) + " is not a member of " + std::string(shape.name);
        if (auto problem = CheckTypes(member_value, member->shape, Join(path, name))) return problem;
      }
      return std::nullopt;
    case ShapeType::kList:
      if (!value.is_array()) return Must(path, "be an array");
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (auto problem = CheckTypes(value[i], shape.list_member, path + "[" + std::to_string(i) + "]")) {
          return problem;
        }
      }
      return std::nullopt;
    case ShapeType::kString:
    case ShapeType::kBlob:
    case ShapeType::kTimestamp:
      return Unless(value.is_string(), path, "be a string");
    case ShapeType::kInteger:
    case ShapeType::kLong:
      return Unless(value.is_number_integer(), path, "be an integer");
    case ShapeType::kBoolean:
      return Unless(value.is_boolean(), path, "be true or false");
    case ShapeType::kDouble:
    case ShapeType::kFloat:
      return Unless(value.is_number(), path, "be a number");
    case ShapeType::kMap:
      return Must(path, "not be a map");  // no CloudFront config has one
  }
  return std::nullopt;
}

}  // namespace

std::optional<SnapshotKind> FindSnapshotKind(std::string_view kind) {
  const auto config = engine::Registry::Get().FindConfigOf(kind);
  if (!config) return std::nullopt;
  return SnapshotKind{&config->definition->family, config->shape};
}

std::string KnownSnapshotKinds() {
  std::string text;
  for (const auto* definition : engine::Registry::Get().Families()) {
    if (!FindSnapshotKind(definition->family.kind)) continue;
    text += (text.empty() ? "" : ", ") + std::string(definition->family.kind);
  }
  return text;
}

std::optional<std::string> ShapeTypeProblem(const Json& value, model::ShapeId shape, const std::string& path) {
  return CheckTypes(value, shape, path);
}

}  // namespace cfl::control
