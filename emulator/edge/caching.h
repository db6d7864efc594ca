// How the edge caches, as the CloudFront Developer Guide describes it: which
// parts of a viewer request make the cache key and reach the origin (cache
// policy, origin request policy, or a legacy behavior's ForwardedValues), how
// long an answer stays (the policy's Min/Default/Max TTL bounded by the
// origin's Cache-Control and Expires), and which cached paths an
// invalidation path covers. Pure functions: no clock, no store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/common/json.h"

#include "emulator/edge/edge_types.h"

namespace cfl::edge {

using Json = cfl::Json;

// Which of a request's headers, cookies or query parameters are taken.
struct Selection {
  enum class Pick { kNone, kListed, kAllExcept, kAll };
  Pick pick = Pick::kNone;
  std::vector<std::string> names;
  bool case_insensitive = false;  // header names

  bool Selects(std::string_view name) const;
};

struct RequestParts {
  Selection headers;
  Selection cookies;
  Selection query;
  bool gzip = false;    // EnableAcceptEncodingGzip
  bool brotli = false;  // EnableAcceptEncodingBrotli
};

struct TtlBounds {
  std::int64_t min = 0;
  std::int64_t fallback = 86400;  // DefaultTTL
  std::int64_t max = 31536000;
};

// A CachePolicyConfig's ParametersInCacheKeyAndForwardedToOrigin and TTLs.
RequestParts CacheKeyPartsOf(const Json& cache_policy_config);
TtlBounds TtlBoundsOf(const Json& cache_policy_config);
// An OriginRequestPolicyConfig: what reaches the origin besides the key.
RequestParts ForwardedPartsOf(const Json& origin_request_policy_config);
// A legacy behavior (no CachePolicyId): ForwardedValues makes both the key
// and what is forwarded (and Compress puts gzip in the key: legacy settings
// compress with gzip only); its MinTTL/DefaultTTL/MaxTTL bound the TTL.
RequestParts LegacyPartsOf(const Json& behavior);
TtlBounds LegacyTtlBoundsOf(const Json& behavior);

// The cache key of a request: distribution, path, and the selected query
// parameters, headers (values as sent) and cookies, in the order received.
std::string CacheKey(std::string_view distribution_id, std::string_view path, std::string_view query,
                     const Headers& viewer_headers, const RequestParts& key);

// The query string forwarded: parameters either selection takes, in order.
std::string ForwardedQuery(std::string_view query, const RequestParts& key, const RequestParts& extra);

// How long an origin's answer may be cached, in seconds (0: not cached).
// Cache-Control s-maxage (else max-age, else Expires against now_ms) clamped
// to [min, max]; neither: DefaultTTL; no-store, no-cache or private: not
// cached when min is 0, else min.
std::int64_t TtlSeconds(const TtlBounds& bounds, const Headers& origin_headers, std::int64_t now_ms);

// Whether an invalidation path ("/a/b.png", "/images/*", "/*") covers the
// path of a cached object: exact, or a prefix when it ends in '*'.
bool InvalidationCovers(std::string_view invalidation_path, std::string_view path);

// RFC 7231 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") → ms, or nullopt.
std::optional<std::int64_t> ParseHttpDate(std::string_view text);

}  // namespace cfl::edge
