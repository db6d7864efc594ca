// What a state snapshot may hold, kind by kind, as the registry of families
// says it: the config document each record's config must be, its parent, its
// metadata and the references it makes. Snapshots are checked against this as
// strictly as API input (snapshot.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "emulator/control/json_input.h"
#include "emulator/engine/family.h"
#include "emulator/model/model.h"

namespace cfl::control {

struct SnapshotKind {
  const engine::Family* family;  // kind, parent_kind, taggable, caller reference, ...
  model::ShapeId config_shape;   // what the family's creates take, e.g. DistributionConfig
};

// The kind, or nullopt when snapshots cannot hold it (no family, or a family
// without a config of its own).
std::optional<SnapshotKind> FindSnapshotKind(std::string_view kind);

// Every kind a snapshot may hold, for messages.
std::string KnownSnapshotKinds();

// The first way value does not have the model shape's types ("Origins.Quantity
// must be an integer", "Colour is not a member of DistributionConfig");
// nullopt when it has them. path prefixes the member names in the message.
std::optional<std::string> ShapeTypeProblem(const Json& value, model::ShapeId shape, const std::string& path);

}  // namespace cfl::control
