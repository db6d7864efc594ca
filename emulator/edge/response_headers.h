// Response headers policies applied to what a viewer gets (from the origin
// or the cache): CORS (simple and preflight), security headers, custom
// headers and removed headers, each with CloudFront's Override rule (when
// false, a header the origin sent is kept). Server-Timing is not added.
#pragma once

#include <nlohmann/json.hpp>

#include "emulator/edge/edge_types.h"

namespace cfl::edge {

// policy: a ResponseHeadersPolicyConfig; request: the viewer's method and headers.
void ApplyResponseHeadersPolicy(const nlohmann::json& policy, const ViewerRequest& request, Headers& headers);

}  // namespace cfl::edge
