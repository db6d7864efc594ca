// Every reference between families, one row each (engine/references.h): a
// create or update naming a target that does not exist answers `missing`;
// deleting a target still named answers `in_use`; with renews_users, changing
// the target gives its users a new version. The store checks all of it inside
// the write transaction.
#include "emulator/engine/references.h"

#include <string>

namespace cfl::families {
namespace {

using engine::ReferenceRule;

// "origin-access-identity/cloudfront/E2QWRUHAPOMQZL" → "E2QWRUHAPOMQZL".
std::optional<std::string> OriginAccessIdentityId(std::string_view value) {
  constexpr std::string_view kPrefix = "origin-access-identity/cloudfront/";
  if (!value.starts_with(kPrefix) || value.size() == kPrefix.size()) return std::nullopt;
  return std::string(value.substr(kPrefix.size()));
}

}  // namespace
}  // namespace cfl::families

namespace cfl::engine {

std::span<const ReferenceRule> ReferenceRules() {
  using families::OriginAccessIdentityId;
  const ErrorSpec kOaiInUse = errors::CloudFrontOriginAccessIdentityInUse;
  static const ReferenceRule kRules[] = {
      {"distribution", "Origins.Items[].S3OriginConfig.OriginAccessIdentity", "origin-access-identity",
       errors::InvalidOriginAccessIdentity, kOaiInUse, false, OriginAccessIdentityId},
      {"distribution", "Origins.Items[].OriginAccessControlId", "origin-access-control",
       errors::InvalidOriginAccessControl, errors::OriginAccessControlInUse},
      {"distribution", "DefaultCacheBehavior.CachePolicyId", "cache-policy", errors::NoSuchCachePolicy,
       errors::CachePolicyInUse, true},
      {"distribution", "CacheBehaviors.Items[].CachePolicyId", "cache-policy", errors::NoSuchCachePolicy,
       errors::CachePolicyInUse, true},
      {"distribution", "DefaultCacheBehavior.OriginRequestPolicyId", "origin-request-policy",
       errors::NoSuchOriginRequestPolicy, errors::OriginRequestPolicyInUse, true},
      {"distribution", "CacheBehaviors.Items[].OriginRequestPolicyId", "origin-request-policy",
       errors::NoSuchOriginRequestPolicy, errors::OriginRequestPolicyInUse, true},
      {"distribution", "DefaultCacheBehavior.ResponseHeadersPolicyId", "response-headers-policy",
       errors::NoSuchResponseHeadersPolicy, errors::ResponseHeadersPolicyInUse, true},
      {"distribution", "CacheBehaviors.Items[].ResponseHeadersPolicyId", "response-headers-policy",
       errors::NoSuchResponseHeadersPolicy, errors::ResponseHeadersPolicyInUse, true},
      {"distribution", "DefaultCacheBehavior.TrustedKeyGroups.Items[]", "key-group",
       errors::TrustedKeyGroupDoesNotExist, errors::ResourceInUse, true},
      {"distribution", "CacheBehaviors.Items[].TrustedKeyGroups.Items[]", "key-group",
       errors::TrustedKeyGroupDoesNotExist, errors::ResourceInUse, true},
      {"streaming-distribution", "S3Origin.OriginAccessIdentity", "origin-access-identity",
       errors::InvalidOriginAccessIdentity, kOaiInUse, false, OriginAccessIdentityId},
      {"key-group", "Items[]", "public-key", errors::NoSuchPublicKey, errors::PublicKeyInUse},
  };
  return kRules;
}

}  // namespace cfl::engine
