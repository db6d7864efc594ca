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
  const auto& registry = engine::Registry::Get();
  if (const auto config = registry.FindConfigOf(kind)) {
    const engine::Family& family = config->definition->family;
    return SnapshotKind{&family, family.kind, config->shape, family.parent_kind};
  }
  // A LIVE stage is a copy of its DEVELOPMENT stage, whose record is its parent.
  if (const auto* staged = registry.FindStagedFamily(kind)) {
    const auto config = registry.FindConfigOf(staged->family.kind);
    if (!config) return std::nullopt;
    return SnapshotKind{&staged->family, kind, config->shape, staged->family.kind};
  }
  for (const auto* definition : registry.Families()) {
    const engine::Family& family = definition->family;
    if (!family.check_stored) continue;
    if (family.kind == kind) return SnapshotKind{&family, family.kind, model::kNoShape, family.parent_kind};
    for (const auto child : family.child_kinds) {
      if (child == kind) return SnapshotKind{&family, child, model::kNoShape, family.kind};
    }
  }
  return std::nullopt;
}

std::string KnownSnapshotKinds() {
  std::string text;
  const auto add = [&text](std::string_view kind) {
    if (FindSnapshotKind(kind)) text += (text.empty() ? "" : ", ") + std::string(kind);
  };
  for (const auto* definition : engine::Registry::Get().Families()) {
    const engine::Family& family = definition->family;
    add(family.kind);
    if (family.versioning == engine::Versioning::kPerStage) add(engine::LiveKind(family.kind));
    for (const auto child : family.child_kinds) add(child);
  }
  return text;
}

std::optional<std::string> ShapeTypeProblem(const Json& value, model::ShapeId shape, const std::string& path) {
  return CheckTypes(value, shape, path);
}

}  // namespace cfl::control
