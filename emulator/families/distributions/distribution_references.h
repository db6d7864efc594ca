// What a distribution points at — origin access identities and controls,
// cache / origin request / response headers policies, key groups — as store
// references ("oai:ID", "cache-policy:ID", ...), and the check that each
// exists in the caller's account.
#pragma once

#include <string>
#include <vector>

#include "emulator/engine/handler.h"

namespace cfl::handlers {

namespace reference {
inline constexpr std::string_view kOriginAccessIdentity = "oai:";
inline constexpr std::string_view kOriginAccessControl = "oac:";
inline constexpr std::string_view kCachePolicy = "cache-policy:";
inline constexpr std::string_view kOriginRequestPolicy = "origin-request-policy:";
inline constexpr std::string_view kResponseHeadersPolicy = "response-headers-policy:";
inline constexpr std::string_view kKeyGroup = "key-group:";
}  // namespace reference

std::string Reference(std::string_view prefix, std::string_view id);

// Every reference a DistributionConfig makes, each once.
std::vector<std::string> DistributionReferences(const Json& config);

// The cache behaviors of a DistributionConfig: the default one first.
std::vector<const Json*> CacheBehaviors(const Json& config);

// Answers the error CloudFront gives when a referenced resource is missing.
Result<Ok, ApiError> CheckDistributionReferences(RequestContext& ctx, const Json& config);

// Checks of the families that distributions reference; each lives with its family.
Result<Ok, ApiError> CheckOriginAccessReferences(RequestContext& ctx, const Json& config);
Result<Ok, ApiError> CheckPolicyAndKeyGroupReferences(RequestContext& ctx, const Json& config);

}  // namespace cfl::handlers
