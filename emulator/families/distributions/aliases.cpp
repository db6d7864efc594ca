#include "emulator/families/distributions/aliases.h"

#include "emulator/engine/resource.h"

namespace cfl::families {
namespace {
constexpr std::string_view kAliasKeyPrefix = "alias:";
}

const cfl::Json& AliasList(const cfl::Json& config) { return engine::ItemsOf(engine::MemberOf(config, "Aliases")); }

std::vector<std::string> AliasKeys(const cfl::Json& config) {
  std::vector<std::string> keys;
  for (const auto& alias : AliasList(config)) {
    if (alias.is_string()) keys.push_back(std::string(kAliasKeyPrefix) + alias.get<std::string>());
  }
  return keys;
}

ApiError AliasConflict(const store::StoreError& error) {
  std::string alias = error.conflicting_key;
  if (alias.starts_with(kAliasKeyPrefix)) alias.erase(0, kAliasKeyPrefix.size());
  return errors::CNAMEAlreadyExists(
      "One or more of the CNAMEs you provided are already associated with a different resource: " + alias);
}

}  // namespace cfl::families
