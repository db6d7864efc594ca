#include "emulator/model/model.h"

#include <algorithm>
#include <vector>

namespace cfl::model {
namespace {

template <typename Def>
const Def* FindByName(std::span<const Def> sorted, std::string_view name) {
  const auto it = std::lower_bound(sorted.begin(), sorted.end(), name,
                                   [](const Def& def, std::string_view key) { return def.name < key; });
  if (it == sorted.end() || it->name != name) return nullptr;
  return &*it;
}

// Per structure, its members sorted by a key (model name or wire name).
class MemberIndex {
 public:
  template <typename Key, typename Keep>
  MemberIndex(Key key, Keep keep) : starts_(model::Shapes().size() + 1, 0), key_(key) {
    for (const auto& shape : model::Shapes()) {
      starts_[IdOf(shape)] = entries_.size();
      const std::size_t first = entries_.size();
      for (const auto& member : shape.members) {
        if (keep(member)) entries_.push_back(&member);
      }
      std::sort(entries_.begin() + static_cast<std::ptrdiff_t>(first), entries_.end(),
                [key](const MemberDef* a, const MemberDef* b) { return key(*a) < key(*b); });
    }
    starts_.back() = entries_.size();
  }

  const MemberDef* Find(const ShapeDef& shape, std::string_view name) const {
    const auto id = IdOf(shape);
    const auto begin = entries_.begin() + static_cast<std::ptrdiff_t>(starts_[id]);
    const auto end = entries_.begin() + static_cast<std::ptrdiff_t>(starts_[id + 1]);
    const auto it = std::lower_bound(begin, end, name,
                                     [this](const MemberDef* member, std::string_view n) { return key_(*member) < n; });
    return it != end && key_(**it) == name ? *it : nullptr;
  }

 private:
  std::vector<std::size_t> starts_;
  std::vector<const MemberDef*> entries_;
  std::string_view (*key_)(const MemberDef&);
};

std::string_view NameOf(const MemberDef& member) { return member.name; }
std::string_view WireNameOf(const MemberDef& member) { return member.wire_name; }

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

bool ListsError(const OperationDef& operation, std::string_view code) {
  for (const auto shape : operation.errors) {
    if (Shape(shape).name == code) return true;
  }
  return false;
}

const MemberDef* FindMember(const ShapeDef& structure, std::string_view name) {
  static const MemberIndex index(NameOf, [](const MemberDef&) { return true; });
  return index.Find(structure, name);
}

const MemberDef* FindBodyMember(const ShapeDef& structure, std::string_view wire_name) {
  static const MemberIndex index(WireNameOf, [](const MemberDef& member) {
    return member.location == Location::kBody && !member.Has(kXmlAttribute);
  });
  return index.Find(structure, wire_name);
}

}  // namespace cfl::model
