// What cache, origin request and response headers policies share. Each comes
// in two types: the AWS-managed policies, which exist in every account with
// fixed ids and are served read-only from tables (managed_*_policies.cpp),
// and the account's own ("custom") policies, stored by the engine.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "emulator/engine/family.h"

namespace cfl::families {

using engine::Json;

// Parses a table: a JSON array of {"Id": …, "Config": {…}}. Every entry gets
// modified_ms and an ETag derived from its id. Throws on malformed JSON (a
// programming error, caught by the unit tests).
engine::ManagedRecords ParseManagedPolicies(std::string_view json_array, std::int64_t modified_ms);

// The tables, in the order ListCachePolicies(Type=managed) etc. answer them.
const engine::ManagedRecords& ManagedCachePolicies();
const engine::ManagedRecords& ManagedOriginRequestPolicies();
const engine::ManagedRecords& ManagedResponseHeadersPolicies();

// Sets what every policy family shares: the managed table, names unique per
// account, a limit of 20, UUIDs, settling with the distributions' propagation
// delay (what the edge serves), and the views, where a policy is {Id,
// LastModifiedTime, <config_member>} and a summary {Type, <resource_member>}.
void MakePolicyFamily(engine::Family& family, const engine::ManagedRecords& managed, std::string_view resource_member,
                      std::string_view config_member);

// Checks shared by the policy configs; each answers the first problem found.
namespace policy_rules {

// Names: 1-128 letters, digits, hyphens and underscores.
Result<Ok, ApiError> CheckName(const Json& config, std::string_view noun);
// Comment: at most 128 characters.
Result<Ok, ApiError> CheckComment(const Json& config);

// A {Behavior, List {Quantity, Items}} pair such as HeadersConfig: the
// behaviors in need_items require at least one item, the others allow none;
// more than limit items answers too_many.
struct NamedList {
  std::string_view config_member;    // "HeadersConfig"
  std::string_view behavior_member;  // "HeaderBehavior"
  std::string_view list_member;      // "Headers"
  std::vector<std::string_view> need_items;
  std::size_t limit;
  engine::ErrorFactory too_many;
};
Result<Ok, ApiError> CheckNamedList(const Json& parent, const NamedList& rule);

}  // namespace policy_rules

}  // namespace cfl::families
