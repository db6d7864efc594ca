#include "emulator/common/ids.h"
#include "emulator/engine/projection.h"
#include "emulator/families/policies/managed_policies.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

constexpr std::size_t kMaxNamesPerList = 10;  // headers, cookies, query strings

Result<Ok, ApiError> Prepare(RequestContext&, Json& config, const Resource*) {
  if (auto check = policy_rules::CheckName(config, "origin request policy"); !check) return check;
  if (auto check = policy_rules::CheckComment(config); !check) return check;
  const policy_rules::NamedList lists[] = {
      {"HeadersConfig",
       "HeaderBehavior",
       "Headers",
       {"whitelist", "allViewerAndWhitelistCloudFront", "allExcept"},
       kMaxNamesPerList,
       errors::TooManyHeadersInOriginRequestPolicy},
      {"CookiesConfig",
       "CookieBehavior",
       "Cookies",
       {"whitelist", "allExcept"},
       kMaxNamesPerList,
       errors::TooManyCookiesInOriginRequestPolicy},
      {"QueryStringsConfig",
       "QueryStringBehavior",
       "QueryStrings",
       {"whitelist", "allExcept"},
       kMaxNamesPerList,
       errors::TooManyQueryStringsInOriginRequestPolicy},
  };
  for (const auto& rule : lists) {
    if (auto check = policy_rules::CheckNamedList(config, rule); !check) return check;
  }
  return Ok{};
}

FamilyDefinition MakeDefinition() {
  Family family;
  family.kind = "origin-request-policy";
  family.noun = "origin request policy";
  family.errors = {.not_found = errors::NoSuchOriginRequestPolicy,
                   .already_exists = errors::OriginRequestPolicyAlreadyExists,
                   .limit = errors::TooManyOriginRequestPolicies};
  family.prepare = Prepare;
  MakePolicyFamily(family, ManagedOriginRequestPolicies(), "OriginRequestPolicy", "OriginRequestPolicyConfig");
  return {std::move(family),
          {{"CreateOriginRequestPolicy", Verb::kCreate},
           {"GetOriginRequestPolicy", Verb::kGet},
           {"GetOriginRequestPolicyConfig", Verb::kGetConfig},
           {"UpdateOriginRequestPolicy", Verb::kUpdate},
           {"DeleteOriginRequestPolicy", Verb::kDelete},
           {"ListOriginRequestPolicies", Verb::kList}},
          {errors::InvalidArgument, errors::TooManyHeadersInOriginRequestPolicy,
           errors::TooManyCookiesInOriginRequestPolicy, errors::TooManyQueryStringsInOriginRequestPolicy}};
}

}  // namespace

const engine::FamilyDefinition& OriginRequestPolicyDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

}  // namespace cfl::families
