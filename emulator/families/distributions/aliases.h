// Aliases (CNAMEs), shared by distributions and streaming distributions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "emulator/model/errors.h"
#include "store/store.h"

namespace cfl::families {

// The config's Aliases.Items (an array, possibly empty), not copied.
const nlohmann::json& AliasList(const nlohmann::json& config);
const nlohmann::json& AliasList(nlohmann::json&& config) = delete;  // would dangle

// One unique store key per alias: no two resources of a kind share a CNAME.
std::vector<std::string> AliasKeys(const nlohmann::json& config);

// CNAMEAlreadyExists for a collision on an alias key.
ApiError AliasConflict(const store::StoreError& error);

}  // namespace cfl::families
