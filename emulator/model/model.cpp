#include "emulator/model/model.h"

#include <algorithm>

namespace cfl::model {

const ShapeDef& Shape(ShapeId id) { return Shapes()[id]; }

// The generator emits shapes and operations sorted by name.
std::optional<ShapeId> FindShape(std::string_view name) {
  const auto shapes = Shapes();
  const auto it = std::lower_bound(shapes.begin(), shapes.end(), name,
                                   [](const ShapeDef& shape, std::string_view key) { return shape.name < key; });
  if (it == shapes.end() || it->name != name) return std::nullopt;
  return static_cast<ShapeId>(it - shapes.begin());
}

const OperationDef* FindOperation(std::string_view name) {
  const auto operations = Operations();
  const auto it = std::lower_bound(operations.begin(), operations.end(), name,
                                   [](const OperationDef& op, std::string_view key) { return op.name < key; });
  if (it == operations.end() || it->name != name) return nullptr;
  return &*it;
}

const MemberDef* FindMember(const ShapeDef& structure, std::string_view name) {
  for (const auto& member : structure.members) {
    if (member.name == name) return &member;
  }
  return nullptr;
}

}  // namespace cfl::model
