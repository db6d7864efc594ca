#include "emulator/families/distributions/aliases.h"

namespace cfl::handlers {
namespace {
constexpr std::string_view kAliasKeyPrefix = "alias:";
}

nlohmann::json AliasList(const nlohmann::json& config) {
  const auto aliases = config.find("Aliases");
  if (aliases == config.end() || !aliases->is_object()) return nlohmann::json::array();
  const auto items = aliases->find("Items");
  return items != aliases->end() && items->is_array() ? *items : nlohmann::json::array();
}

std::vector<std::string> AliasKeys(const nlohmann::json& config) {
  std::vector<std::string> keys;
  for (const auto& alias : AliasList(config)) {
    if (alias.is_string()) keys.push_back(std::string(kAliasKeyPrefix) + alias.get<std::string>());
  }
  return keys;
}

ApiError AliasConflict(const store::StoreError& error) {
  std::string alias = error.conflicting_key;
  if (alias.starts_with(kAliasKeyPrefix)) alias.erase(0, kAliasKeyPrefix.size());
  return MakeError("CNAMEAlreadyExists",
                   "One or more of the CNAMEs you provided are already associated with a different resource: " +
                       alias);
}

std::string OriginAccessIdentityReference(const std::string& origin_access_identity) {
  if (origin_access_identity.empty()) return "";
  const auto slash = origin_access_identity.rfind('/');
  return "oai:" + origin_access_identity.substr(slash == std::string::npos ? 0 : slash + 1);
}

}  // namespace cfl::handlers
