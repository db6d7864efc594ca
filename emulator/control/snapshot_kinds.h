// What a state snapshot may hold, kind by kind: the config shape each stored
// record's config must have, its parent, its metadata, and the references it
// may make. Snapshots are checked against this as strictly as API input
// (snapshot.h); everything a kind needs is here, in one table.
//
// The table is filled from the resource families that exist today; when the
// engine grows a registry of families (kind → descriptor), this becomes a
// view of it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/control/json_input.h"
#include "emulator/engine/versioned_resources.h"

namespace cfl::control {

struct SnapshotKind {
  std::string_view kind;          // store kind, e.g. "distribution"
  std::string_view config_shape;  // model shape of the config, e.g. "DistributionConfig"
  std::string_view parent_kind;   // kind of the owning record; "" when records have no parent
  bool taggable = false;          // metadata may hold "Tags"
  std::vector<std::string_view> metadata_strings;  // other metadata members, each a string
  const handlers::ResourceFamily* family = nullptr;
};

// The kind, or nullptr when snapshots cannot hold it.
const SnapshotKind* FindSnapshotKind(std::string_view kind);

// Every kind, for messages.
std::string KnownSnapshotKinds();

// A reference as records list it ("oai:E2QWRUHAPOMQZL"): the kind of record
// it points at and its id; nullopt when the prefix is unknown.
struct ReferenceTarget {
  std::string_view kind;
  std::string id;
};
std::optional<ReferenceTarget> ResolveReference(std::string_view reference);

// Whether id names an AWS-managed record of kind (the managed policies), which
// exists in every account without being stored.
bool IsManaged(std::string_view kind, std::string_view id);

// The first way value does not have the model shape's types: "Origins.Quantity
// must be an integer", "Comment: unknown member Coment"; nullopt when it has
// them. path prefixes the member names in the message.
std::optional<std::string> ShapeTypeProblem(const Json& value, std::string_view shape_name,
                                            const std::string& path);

}  // namespace cfl::control
