#include "emulator/families/policies/origin_request_policies.h"

#include "emulator/common/ids.h"
#include "emulator/families/distributions/distribution_references.h"
#include "emulator/families/policies/managed_policies.h"

namespace cfl::handlers {
namespace {

constexpr std::size_t kMaxNamesPerList = 10;  // headers, cookies, query strings

Result<Ok, ApiError> Prepare(RequestContext&, Json& config, const Resource*) {
  if (auto check = policy_rules::CheckName(config, "origin request policy"); !check) return check;
  if (auto check = policy_rules::CheckComment(config); !check) return check;
  const policy_rules::NamedList lists[] = {
      {"HeadersConfig", "HeaderBehavior", "Headers", {"whitelist", "allViewerAndWhitelistCloudFront", "allExcept"},
       kMaxNamesPerList, "TooManyHeadersInOriginRequestPolicy"},
      {"CookiesConfig", "CookieBehavior", "Cookies", {"whitelist", "allExcept"}, kMaxNamesPerList,
       "TooManyCookiesInOriginRequestPolicy"},
      {"QueryStringsConfig", "QueryStringBehavior", "QueryStrings", {"whitelist", "allExcept"}, kMaxNamesPerList,
       "TooManyQueryStringsInOriginRequestPolicy"},
  };
  for (const auto& rule : lists) {
    if (auto check = policy_rules::CheckNamedList(config, rule); !check) return check;
  }
  return Ok{};
}

ResourceFamily MakeFamily() {
  ResourceFamily family;
  family.kind = "origin-request-policy";
  family.not_found_code = "NoSuchOriginRequestPolicy";
  family.not_found_message = "The origin request policy does not exist.";
  family.already_exists_code = "OriginRequestPolicyAlreadyExists";
  family.already_exists_message =
      "An origin request policy with this name already exists. You must provide a unique name. To modify an "
      "existing origin request policy, use UpdateOriginRequestPolicy. Already exists: {id}";
  family.unique_name_member = "Name";
  family.in_use_code = "OriginRequestPolicyInUse";
  family.in_use_message =
      "Cannot delete the origin request policy because it is attached to one or more cache behaviors.";
  family.limit_code = "TooManyOriginRequestPolicies";
  family.limit_message =
      "You have reached the maximum number of origin request policies for this Amazon Web Services account.";
  family.max_per_account = [](const RequestContext&) -> std::optional<std::int64_t> { return 20; };
  family.new_id = ids::Uuid;
  family.prepare = Prepare;
  return family;
}

}  // namespace

const ResourceFamily& OriginRequestPolicyFamily() {
  static const ResourceFamily family = MakeFamily();
  return family;
}

void RegisterOriginRequestPolicyHandlers(HandlerTable& table) {
  RegisterPolicyHandlers(table, {.family = &OriginRequestPolicyFamily(),
                                 .managed = &ManagedOriginRequestPolicies(),
                                 .noun = "origin request policy",
                                 .resource_member = "OriginRequestPolicy",
                                 .config_member = "OriginRequestPolicyConfig",
                                 .collection = "origin-request-policy",
                                 .list_operation = "ListOriginRequestPolicies",
                                 .list_member = "OriginRequestPolicyList",
                                 .reference_prefix = reference::kOriginRequestPolicy});
}

}  // namespace cfl::handlers
