// Aliases (CNAMEs), shared by distributions and streaming distributions.
#pragma once

#include "emulator/common/json.h"
#include <string>
#include <vector>

#include "emulator/model/errors.h"
#include "store/store.h"

namespace cfl::families {

// The config's Aliases.Items (an array, possibly empty), not copied.
const cfl::Json& AliasList(const cfl::Json& config);
const cfl::Json& AliasList(cfl::Json&& config) = delete;  // would dangle

// One unique store key per alias: no two resources of a kind share a CNAME.
std::vector<std::string> AliasKeys(const cfl::Json& config);

// CNAMEAlreadyExists for a collision on an alias key.
ApiError AliasConflict(const store::StoreError& error);

}  // namespace cfl::families
