// CloudFront's own answers: the "request could not be satisfied" HTML page
// (403 for an unknown host or a refused method, 502/504 for origin failures)
// and the 301 to HTTPS of redirect-to-https.
#pragma once

#include <string>
#include <string_view>

#include "emulator/edge/edge_types.h"

namespace cfl::edge {

// Why CloudFront refused, as the page says it.
inline constexpr std::string_view kBadRequestText =
    "Bad request.\nWe can't connect to the server for this app or website at this time. There might be too much "
    "traffic or a configuration error. Try again later, or contact the app or website owner.";
inline constexpr std::string_view kMethodNotAllowedText =
    "This distribution is not configured to allow the HTTP request method that was used for this request. The "
    "distribution supports only cachable requests.";
inline constexpr std::string_view kOriginUnreachableText =
    "CloudFront wasn't able to connect to the origin.\nWe can't connect to the server for this app or website at "
    "this time. There might be too much traffic or a configuration error. Try again later, or contact the app or "
    "website owner.";
inline constexpr std::string_view kOriginTimeoutText =
    "CloudFront attempted to establish a connection with the origin, but either the attempt failed or the origin "
    "closed the connection.\nWe can't connect to the server for this app or website at this time. There might be "
    "too much traffic or a configuration error. Try again later, or contact the app or website owner.";

// The error page (Content-Type text/html, Server: CloudFront, X-Cache: Error
// from cloudfront); cf_id is the request's X-Amz-Cf-Id, shown on the page.
ViewerResponse ErrorPage(int status, std::string_view text, const std::string& cf_id);

// 301 to location, as CloudFront answers redirect-to-https.
ViewerResponse RedirectPage(const std::string& location);

}  // namespace cfl::edge
