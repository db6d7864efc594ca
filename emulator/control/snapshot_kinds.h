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
  const engine::Family* family;  // taggable, caller reference, check_stored, ...
  // The record's kind: the family's, its LIVE stage's ("function-live"), or
  // one of its child_kinds.
  std::string_view kind;
  // What the config must be: the document the family's creates take (e.g.
  // DistributionConfig); kNoShape for records family->check_stored checks.
  model::ShapeId config_shape = model::kNoShape;
  std::string_view parent_kind;  // the kind its parent must be, "" for none
};

// The kind, or nullopt when snapshots cannot hold it: no family stores it, or
// its family has neither a config document for it nor check_stored.
std::optional<SnapshotKind> FindSnapshotKind(std::string_view kind);

// Every kind a snapshot may hold, for messages.
std::string KnownSnapshotKinds();

// The first way value does not have the model shape's types ("Origins.Quantity
// must be an integer", "Colour is not a member of DistributionConfig");
// nullopt when it has them. path prefixes the member names in the message.
std::optional<std::string> ShapeTypeProblem(const Json& value, model::ShapeId shape, const std::string& path);

}  // namespace cfl::control
