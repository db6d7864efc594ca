// Which cache behavior serves a path: CloudFront's PathPattern matching
// (case-sensitive; '*' any run of characters, '/' included; '?' exactly one),
// behaviors tried in their order, the default behavior last.
#pragma once

#include "emulator/common/json.h"
#include <string_view>

namespace cfl::edge {

using Json = cfl::Json;

// Whether text matches a CloudFront wildcard pattern ('*' any run of
// characters, '?' exactly one; case-sensitive), as path patterns and signed
// URL policies' Resource use them.
bool WildcardMatches(std::string_view pattern, std::string_view text);

// A pattern may omit the leading '/' ("images/*.jpg" matches "/images/a.jpg").
bool PathPatternMatches(std::string_view pattern, std::string_view path);

// The behavior of a DistributionConfig (as stored: the wire's members) that
// serves path: the first of CacheBehaviors.Items whose PathPattern matches,
// else DefaultCacheBehavior. The reference lives as long as config.
const Json& SelectBehavior(const Json& config, std::string_view path);

// The origin of config whose Id is origin_id, or null.
const Json* FindOrigin(const Json& config, std::string_view origin_id);

// True when the behavior's AllowedMethods list method (HEAD goes with GET).
bool MethodAllowed(const Json& behavior, std::string_view method);

}  // namespace cfl::edge
