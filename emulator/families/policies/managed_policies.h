// What cache, origin request and response headers policies share. Each comes
// in two types: the AWS-managed policies, which exist in every account with
// fixed ids and are served read-only from tables (managed_*_policies.cpp),
// and the account's own ("custom") policies, stored on the generic engine.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "emulator/engine/crud_operations.h"

namespace cfl::handlers {

struct ManagedPolicy {
  std::string id;
  std::string last_modified;  // ISO 8601, fixed
  std::string etag;           // fixed: a managed policy never changes
  Json config;                // the policy's *Config
};

using ManagedPolicies = std::vector<ManagedPolicy>;

// Parses a table: a JSON array of {"Id": …, "Config": {…}}. Every entry gets
// last_modified and an ETag derived from its id. Throws on malformed JSON
// (a programming error, caught by the unit tests).
ManagedPolicies ParseManagedPolicies(std::string_view json_array, std::string_view last_modified);

// nullptr when id names no managed policy of the table.
const ManagedPolicy* FindManaged(const ManagedPolicies& table, std::string_view id);

// The tables, in the order ListCachePolicies(Type=managed) etc. answer them.
const ManagedPolicies& ManagedCachePolicies();
const ManagedPolicies& ManagedOriginRequestPolicies();
const ManagedPolicies& ManagedResponseHeadersPolicies();

struct PolicySpec {
  const ResourceFamily* family;      // the custom policies
  const ManagedPolicies* managed;
  std::string noun;                  // "cache policy", for messages
  std::string resource_member;       // "CachePolicy": operation stem and output member
  std::string config_member;         // "CachePolicyConfig"
  std::string collection;            // "cache-policy", for Location
  std::string list_operation;        // "ListCachePolicies"
  std::string list_member;           // "CachePolicyList"
  std::string_view reference_prefix; // what a distribution's behavior records: "cache-policy:"
};

// Registers Create, Get, GetConfig, Update, Delete and List for a policy
// family: custom policies on the generic engine (RegisterCrud), managed ones
// answered from the table by Get/GetConfig/List and refused by Update
// (IllegalUpdate) and Delete (IllegalDelete). Delete is refused while a
// distribution uses the policy (family.in_use_code); a successful update
// renews the version of every distribution that uses it. List takes
// Type=managed|custom; without Type it lists the managed policies, then the
// custom ones, one Marker/MaxItems sequence across both.
void RegisterPolicyHandlers(HandlerTable& table, const PolicySpec& spec);

// True when id names a managed policy or one of the account's custom ones.
bool PolicyExists(RequestContext& ctx, const ResourceFamily& family, const ManagedPolicies& managed,
                  const std::string& id);

// Checks shared by the policy configs; each answers the first problem found.
namespace policy_rules {

// Names: 1-128 letters, digits, hyphens and underscores.
Result<Ok, ApiError> CheckName(const Json& config, std::string_view noun);
// Comment: at most 128 characters.
Result<Ok, ApiError> CheckComment(const Json& config);

// A {Behavior, List {Quantity, Items}} pair such as HeadersConfig: the
// behaviors in need_items require at least one item, the others allow none;
// more than limit items answers too_many_code.
struct NamedList {
  std::string_view config_member;    // "HeadersConfig"
  std::string_view behavior_member;  // "HeaderBehavior"
  std::string_view list_member;      // "Headers"
  std::vector<std::string_view> need_items;
  std::size_t limit;
  std::string_view too_many_code;
};
Result<Ok, ApiError> CheckNamedList(const Json& parent, const NamedList& rule);

}  // namespace policy_rules

}  // namespace cfl::handlers
