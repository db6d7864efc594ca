#include "emulator/families/policies/cache_policies.h"

#include <algorithm>

#include "emulator/common/ids.h"
#include "emulator/families/distributions/distribution_references.h"
#include "emulator/families/policies/managed_policies.h"
#include "emulator/engine/projection.h"

namespace cfl::handlers {
namespace {

constexpr std::int64_t kDefaultTtl = 86400;     // one day
constexpr std::int64_t kDefaultMaxTtl = 31536000;  // one year
constexpr std::size_t kMaxNamesPerList = 10;    // headers, cookies, query strings

// DefaultTTL defaults to a day (or MinTTL if longer), MaxTTL to a year (or
// DefaultTTL if longer); MinTTL <= DefaultTTL <= MaxTTL.
Result<Ok, ApiError> FillAndCheckTtls(Json& config) {
  const std::int64_t min_ttl = config.value("MinTTL", std::int64_t{0});
  SetDefault(config, "DefaultTTL", std::max(kDefaultTtl, min_ttl));
  const std::int64_t default_ttl = config.value("DefaultTTL", std::int64_t{0});
  SetDefault(config, "MaxTTL", std::max(kDefaultMaxTtl, default_ttl));
  const std::int64_t max_ttl = config.value("MaxTTL", std::int64_t{0});
  if (min_ttl < 0) return Fail(InvalidArgument("The parameter MinTTL can't be negative."));
  if (default_ttl < min_ttl || default_ttl > max_ttl) {
    return Fail(InvalidArgument("The parameter DefaultTTL must be between MinTTL and MaxTTL."));
  }
  return Ok{};
}

bool IncludesAnything(const Json& params) {
  const auto behavior = [&](std::string_view config, std::string_view member) {
    return params.value(config, Json::object()).value(member, "none");
  };
  return params.value("EnableAcceptEncodingGzip", false) || params.value("EnableAcceptEncodingBrotli", false) ||
         behavior("HeadersConfig", "HeaderBehavior") != "none" ||
         behavior("CookiesConfig", "CookieBehavior") != "none" ||
         behavior("QueryStringsConfig", "QueryStringBehavior") != "none";
}

Result<Ok, ApiError> Prepare(RequestContext&, Json& config, const Resource*) {
  if (auto check = policy_rules::CheckName(config, "cache policy"); !check) return check;
  if (auto check = policy_rules::CheckComment(config); !check) return check;
  if (auto check = FillAndCheckTtls(config); !check) return check;
  SetDefault(config, "ParametersInCacheKeyAndForwardedToOrigin",
             {{"EnableAcceptEncodingGzip", false},
              {"HeadersConfig", {{"HeaderBehavior", "none"}}},
              {"CookiesConfig", {{"CookieBehavior", "none"}}},
              {"QueryStringsConfig", {{"QueryStringBehavior", "none"}}}});
  Json& params = config["ParametersInCacheKeyAndForwardedToOrigin"];
  SetDefault(params, "EnableAcceptEncodingBrotli", false);
  const policy_rules::NamedList lists[] = {
      {"HeadersConfig", "HeaderBehavior", "Headers", {"whitelist"}, kMaxNamesPerList, "TooManyHeadersInCachePolicy"},
      {"CookiesConfig", "CookieBehavior", "Cookies", {"whitelist", "allExcept"}, kMaxNamesPerList,
       "TooManyCookiesInCachePolicy"},
      {"QueryStringsConfig", "QueryStringBehavior", "QueryStrings", {"whitelist", "allExcept"}, kMaxNamesPerList,
       "TooManyQueryStringsInCachePolicy"},
  };
  for (const auto& rule : lists) {
    if (auto check = policy_rules::CheckNamedList(params, rule); !check) return check;
  }
  if (config.value("MaxTTL", std::int64_t{0}) == 0 && IncludesAnything(params)) {
    return Fail(InvalidArgument("A cache policy with caching disabled (MaxTTL 0) can't include headers, cookies, "
                                "query strings or Accept-Encoding in the cache key."));
  }
  return Ok{};
}

ResourceFamily MakeFamily() {
  ResourceFamily family;
  family.kind = "cache-policy";
  family.not_found_code = "NoSuchCachePolicy";
  family.not_found_message = "The cache policy does not exist.";
  family.already_exists_code = "CachePolicyAlreadyExists";
  family.already_exists_message =
      "A cache policy with this name already exists. You must provide a unique name. To modify an existing "
      "cache policy, use UpdateCachePolicy. Already exists: {id}";
  family.unique_name_member = "Name";
  family.in_use_code = "CachePolicyInUse";
  family.in_use_message = "Cannot delete the cache policy because it is attached to one or more cache behaviors.";
  family.limit_code = "TooManyCachePolicies";
  family.limit_message = "You have reached the maximum number of cache policies for this Amazon Web Services account.";
  family.max_per_account = [](const RequestContext&) -> std::optional<std::int64_t> { return 20; };
  family.new_id = ids::Uuid;
  family.prepare = Prepare;
  return family;
}

}  // namespace

const ResourceFamily& CachePolicyFamily() {
  static const ResourceFamily family = MakeFamily();
  return family;
}

void RegisterCachePolicyHandlers(HandlerTable& table) {
  RegisterPolicyHandlers(table, {.family = &CachePolicyFamily(),
                                 .managed = &ManagedCachePolicies(),
                                 .noun = "cache policy",
                                 .resource_member = "CachePolicy",
                                 .config_member = "CachePolicyConfig",
                                 .collection = "cache-policy",
                                 .list_operation = "ListCachePolicies",
                                 .list_member = "CachePolicyList",
                                 .reference_prefix = reference::kCachePolicy});
}

}  // namespace cfl::handlers
