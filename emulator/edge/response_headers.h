// Response headers policies applied to what a viewer gets (from the origin
// or the cache): CORS (simple and preflight), security headers, custom
// headers and removed headers, each with CloudFront's Override rule (when
// false, a header the origin sent is kept); and the Server-Timing header a
// policy's ServerTimingHeadersConfig asks for.
#pragma once

#include <optional>
#include <string>

#include "emulator/common/json.h"

#include "emulator/edge/edge_types.h"

namespace cfl::edge {

// policy: a ResponseHeadersPolicyConfig; request: the viewer's method and headers.
void ApplyResponseHeadersPolicy(const cfl::Json& policy, const ViewerRequest& request, Headers& headers);

// The share (0–100) of answers a policy adds Server-Timing to: its
// ServerTimingHeadersConfig's SamplingRate when Enabled (100 when it gives
// none), else 0.
double ServerTimingRate(const cfl::Json& policy);

// What a Server-Timing header reports, as CloudFront names its metrics.
struct ServerTimingFacts {
  std::string result_type;  // Hit, RefreshHit, Miss, Error, Redirect
  std::string pop;
  std::string request_id;
  std::optional<double> upstream_ms;  // the origin's answer, when one was fetched
  double downstream_ms = 0;           // the request's start to its answer
};
// cdn-upstream-layer / cdn-upstream-fbl (when the origin was asked),
// cdn-cache-hit|refresh|miss, cdn-pop, cdn-rid, cdn-hit-layer (hits),
// cdn-downstream-fbl; durations in whole milliseconds.
std::string ServerTimingValue(const ServerTimingFacts& facts);

}  // namespace cfl::edge
