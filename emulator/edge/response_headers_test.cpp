#include "emulator/edge/response_headers.h"

#include <doctest/doctest.h>

namespace cfl::edge {

TEST_CASE("response headers policy: CORS, security headers, custom and removed headers, Override") {
  const auto policy = cfl::Json::parse(R"({
    "CorsConfig": {"AccessControlAllowOrigins": {"Quantity": 1, "Items": ["https://app.example.com"]},
                   "AccessControlAllowHeaders": {"Quantity": 1, "Items": ["*"]},
                   "AccessControlAllowMethods": {"Quantity": 1, "Items": ["ALL"]},
                   "AccessControlAllowCredentials": true, "AccessControlMaxAgeSec": 600, "OriginOverride": true},
    "SecurityHeadersConfig": {
      "FrameOptions": {"Override": false, "FrameOption": "DENY"},
      "ContentTypeOptions": {"Override": true},
      "StrictTransportSecurity": {"Override": true, "AccessControlMaxAgeSec": 63072000, "IncludeSubdomains": true}},
    "CustomHeadersConfig": {"Quantity": 1, "Items": [{"Header": "X-Team", "Value": "edge", "Override": true}]},
    "RemoveHeadersConfig": {"Quantity": 1, "Items": [{"Header": "Server"}]}})");
  ViewerRequest preflight{"OPTIONS", "/", {{"Origin", "https://app.example.com"}, {"Access-Control-Request-Method", "PUT"}}};
  Headers headers = {{"Server", "nginx"}, {"X-Frame-Options", "SAMEORIGIN"}, {"X-Team", "origin"}};
  ApplyResponseHeadersPolicy(policy, preflight, headers);
  CHECK(HeaderValue(headers, "Access-Control-Allow-Origin") == "https://app.example.com");
  CHECK(HeaderValue(headers, "Access-Control-Allow-Credentials") == "true");
  CHECK(HeaderValue(headers, "Access-Control-Allow-Methods") == "GET, DELETE, HEAD, OPTIONS, PATCH, POST, PUT");
  CHECK(HeaderValue(headers, "Access-Control-Max-Age") == "600");
  CHECK(HeaderValue(headers, "X-Frame-Options") == "SAMEORIGIN");  // Override false: the origin's stays
  CHECK(HeaderValue(headers, "X-Content-Type-Options") == "nosniff");
  CHECK(HeaderValue(headers, "Strict-Transport-Security") == "max-age=63072000; includeSubDomains");
  CHECK(HeaderValue(headers, "X-Team") == "edge");
  CHECK(HeaderValue(headers, "Server") == "");

  Headers other;
  ApplyResponseHeadersPolicy(policy, ViewerRequest{"GET", "/", {{"Origin", "https://evil.example"}}}, other);
  CHECK(HeaderValue(other, "Access-Control-Allow-Origin") == "");  // not an allowed origin
  CHECK(HeaderValue(other, "X-Frame-Options") == "DENY");
}

}  // namespace cfl::edge

namespace cfl::edge {

TEST_CASE("Server-Timing: the sampling rate of an enabled config, and CloudFront's metric names") {
  CHECK(ServerTimingRate(cfl::Json::object()) == 0);
  CHECK(ServerTimingRate(cfl::Json::parse(R"({"ServerTimingHeadersConfig": {"Enabled": false, "SamplingRate": 50}})")) == 0);
  CHECK(ServerTimingRate(cfl::Json::parse(R"({"ServerTimingHeadersConfig": {"Enabled": true, "SamplingRate": 12.5}})")) == 12.5);
  CHECK(ServerTimingRate(cfl::Json::parse(R"({"ServerTimingHeadersConfig": {"Enabled": true}})")) == 100);
  CHECK(ServerTimingValue({"Miss", "LCL1-C1", "rid", 12.4, 13.6}) ==
        "cdn-upstream-layer;desc=\"EDGE\",cdn-upstream-fbl;dur=12,cdn-cache-miss,cdn-pop;desc=\"LCL1-C1\","
        "cdn-rid;desc=\"rid\",cdn-downstream-fbl;dur=14");
  CHECK(ServerTimingValue({"Hit", "LCL1-C1", "rid", std::nullopt, 0.2}) ==
        "cdn-cache-hit,cdn-pop;desc=\"LCL1-C1\",cdn-rid;desc=\"rid\",cdn-hit-layer;desc=\"EDGE\",cdn-downstream-fbl;dur=0");
}

}  // namespace cfl::edge
