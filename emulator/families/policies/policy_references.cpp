// The policies and key groups a distribution's cache behaviors name must
// exist: managed policies in every account, custom policies and key groups
// in the caller's.
#include <set>

#include "emulator/families/policies/cache_policies.h"
#include "emulator/families/distributions/distribution_references.h"
#include "emulator/families/signing_keys/key_groups.h"
#include "emulator/families/policies/managed_policies.h"
#include "emulator/families/policies/origin_request_policies.h"
#include "emulator/families/policies/response_headers_policies.h"

namespace cfl::handlers {
namespace {

constexpr std::size_t kMaxKeyGroupsPerDistribution = 4;

struct PolicyMember {
  std::string_view member;
  const ResourceFamily& family;
  const ManagedPolicies& managed;
};

Result<Ok, ApiError> CheckPolicies(RequestContext& ctx, const Json& behavior) {
  const PolicyMember policies[] = {
      {"CachePolicyId", CachePolicyFamily(), ManagedCachePolicies()},
      {"OriginRequestPolicyId", OriginRequestPolicyFamily(), ManagedOriginRequestPolicies()},
      {"ResponseHeadersPolicyId", ResponseHeadersPolicyFamily(), ManagedResponseHeadersPolicies()},
  };
  for (const auto& policy : policies) {
    const std::string id = StringMember(behavior, policy.member);
    if (!id.empty() && !PolicyExists(ctx, policy.family, policy.managed, id)) {
      return Fail(MakeError(policy.family.not_found_code, policy.family.not_found_message));
    }
  }
  return Ok{};
}

}  // namespace

Result<Ok, ApiError> CheckPolicyAndKeyGroupReferences(RequestContext& ctx, const Json& config) {
  std::set<std::string> key_groups;
  for (const Json* behavior : CacheBehaviors(config)) {
    if (auto check = CheckPolicies(ctx, *behavior); !check) return check;
    const Json trusted = behavior->value("TrustedKeyGroups", Json::object()).value("Items", Json::array());
    for (const auto& key_group : trusted) {
      if (key_group.is_string()) key_groups.insert(key_group.get<std::string>());
    }
  }
  if (key_groups.size() > kMaxKeyGroupsPerDistribution) {
    return Fail(MakeError("TooManyKeyGroupsAssociatedToDistribution",
                          "The number of key groups referenced by this distribution is more than the maximum "
                          "allowed (" + std::to_string(kMaxKeyGroupsPerDistribution) + ")."));
  }
  for (const auto& id : key_groups) {
    if (!LoadResource(ctx, KeyGroupFamily(), id)) {
      return Fail(MakeError("TrustedKeyGroupDoesNotExist", "The specified key group does not exist: " + id + "."));
    }
  }
  return Ok{};
}

}  // namespace cfl::handlers
