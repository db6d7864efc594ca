#include "emulator/model/model.h"

#include <algorithm>

namespace cfl::model {
namespace {

template <typename Def>
const Def* FindByName(std::span<const Def> sorted, std::string_view name) {
  const auto it = std::lower_bound(sorted.begin(), sorted.end(), name,
                                   [](const Def& def, std::string_view key) { return def.name < key; });
  if (it == sorted.end() || it->name != name) return nullptr;
  return &*it;
}

}  // namespace

std::span<const ShapeDef> ServiceDef::Shapes() const { return model::Shapes().subspan(first_shape, shape_count); }

std::span<const OperationDef> ServiceDef::Operations() const {
  return model::Operations().subspan(first_operation, operation_count);
}

const ServiceDef& Service(ServiceId id) { return Services()[static_cast<std::size_t>(id)]; }
const ServiceDef& ServiceOf(const OperationDef& operation) { return Services()[operation.service]; }
const ServiceDef& ServiceOf(const ShapeDef& shape) { return Services()[shape.service]; }

const ServiceDef* FindService(std::string_view name) {
  for (const auto& service : Services()) {
    if (service.name == name || service.endpoint_prefix == name || service.signing_name == name) return &service;
  }
  return nullptr;
}

const ShapeDef& Shape(ShapeId id) { return Shapes()[id]; }

ShapeId IdOf(const ShapeDef& shape) { return static_cast<ShapeId>(&shape - Shapes().data()); }

std::optional<ShapeId> FindShape(const ServiceDef& service, std::string_view name) {
  const auto* found = FindByName(service.Shapes(), name);
  if (!found) return std::nullopt;
  return IdOf(*found);
}

std::optional<ShapeId> FindShape(std::string_view name) { return FindShape(Services().front(), name); }

const OperationDef* FindOperation(const ServiceDef& service, std::string_view name) {
  return FindByName(service.Operations(), name);
}

const OperationDef* FindOperation(std::string_view name) { return FindOperation(Services().front(), name); }

const MemberDef* FindMember(const ShapeDef& structure, std::string_view name) {
  for (const auto& member : structure.members) {
    if (member.name == name) return &member;
  }
  return nullptr;
}

}  // namespace cfl::model
