// The edge's HTTPS choices that need no TLS library: where redirect-to-https
// sends a viewer (the same host and target on the edge's HTTPS listener, its
// port named unless it is 443), and which protocols reach an HTTPS origin.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "emulator/common/json.h"

namespace cfl::edge {

// "https://HOST[:PORT]TARGET" for a request with this Host header (its port,
// if any, dropped: it named the HTTP listener). An IPv6 literal keeps its
// brackets.
std::string HttpsRedirectLocation(std::string_view host_header, int https_port, std::string_view target);

// A custom origin's OriginSslProtocols Items (strings only); when absent,
// what CloudFront defaults to for a new origin: TLSv1.2.
std::vector<std::string> OriginSslProtocols(const cfl::Json& custom_origin_config);

}  // namespace cfl::edge
