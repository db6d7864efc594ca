#include <algorithm>

#include "emulator/common/ids.h"
#include "emulator/engine/projection.h"
#include "emulator/families/policies/managed_policies.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

constexpr std::int64_t kDefaultTtl = 86400;        // one day
constexpr std::int64_t kDefaultMaxTtl = 31536000;  // one year
constexpr std::size_t kMaxNamesPerList = 10;       // headers, cookies, query strings

// DefaultTTL defaults to a day (or MinTTL if longer), MaxTTL to a year (or
// DefaultTTL if longer); MinTTL <= DefaultTTL <= MaxTTL.
Result<Ok, ApiError> FillAndCheckTtls(Json& config) {
  const std::int64_t min_ttl = config.value("MinTTL", std::int64_t{0});
  SetDefault(config, "DefaultTTL", std::max(kDefaultTtl, min_ttl));
  const std::int64_t default_ttl = config.value("DefaultTTL", std::int64_t{0});
  SetDefault(config, "MaxTTL", std::max(kDefaultMaxTtl, default_ttl));
  const std::int64_t max_ttl = config.value("MaxTTL", std::int64_t{0});
  if (min_ttl < 0) return Fail(errors::InvalidArgument("The parameter MinTTL can't be negative."));
  if (default_ttl < min_ttl || default_ttl > max_ttl) {
    return Fail(errors::InvalidArgument("The parameter DefaultTTL must be between MinTTL and MaxTTL."));
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
      {"HeadersConfig",
       "HeaderBehavior",
       "Headers",
       {"whitelist"},
       kMaxNamesPerList,
       errors::TooManyHeadersInCachePolicy},
      {"CookiesConfig",
       "CookieBehavior",
       "Cookies",
       {"whitelist", "allExcept"},
       kMaxNamesPerList,
       errors::TooManyCookiesInCachePolicy},
      {"QueryStringsConfig",
       "QueryStringBehavior",
       "QueryStrings",
       {"whitelist", "allExcept"},
       kMaxNamesPerList,
       errors::TooManyQueryStringsInCachePolicy},
  };
  for (const auto& rule : lists) {
    if (auto check = policy_rules::CheckNamedList(params, rule); !check) return check;
  }
  if (config.value("MaxTTL", std::int64_t{0}) == 0 && IncludesAnything(params)) {
    return Fail(
        errors::InvalidArgument("A cache policy with caching disabled (MaxTTL 0) can't include headers, cookies, "
                                "query strings or Accept-Encoding in the cache key."));
  }
  return Ok{};
}

FamilyDefinition MakeDefinition() {
  Family family;
  family.kind = "cache-policy";
  family.noun = "cache policy";
  family.errors = {.not_found = errors::NoSuchCachePolicy,
                   .already_exists = errors::CachePolicyAlreadyExists,
                   .limit = errors::TooManyCachePolicies};
  family.prepare = Prepare;
  MakePolicyFamily(family, ManagedCachePolicies(), "CachePolicy", "CachePolicyConfig");
  return {std::move(family),
          {{"CreateCachePolicy", Verb::kCreate},
           {"GetCachePolicy", Verb::kGet},
           {"GetCachePolicyConfig", Verb::kGetConfig},
           {"UpdateCachePolicy", Verb::kUpdate},
           {"DeleteCachePolicy", Verb::kDelete},
           {"ListCachePolicies", Verb::kList}},
          {errors::InvalidArgument, errors::TooManyHeadersInCachePolicy, errors::TooManyCookiesInCachePolicy,
           errors::TooManyQueryStringsInCachePolicy}};
}

}  // namespace

const engine::FamilyDefinition& CachePolicyDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

}  // namespace cfl::families
