#include "emulator/edge/viewer_protocol.h"

#include <doctest/doctest.h>

namespace cfl::edge {

TEST_CASE("redirect-to-https names the HTTPS listener's port in place of the HTTP one") {
  CHECK(HttpsRedirectLocation("www.example.com:8080", 8443, "/a?b=1") == "https://www.example.com:8443/a?b=1");
  CHECK(HttpsRedirectLocation("d111.cloudfront.net", 8443, "/") == "https://d111.cloudfront.net:8443/");
  CHECK(HttpsRedirectLocation("www.example.com:80", 443, "/x") == "https://www.example.com/x");
  CHECK(HttpsRedirectLocation("[::1]:8080", 8443, "/x") == "https://[::1]:8443/x");
  CHECK(HttpsRedirectLocation("[::1]", 8443, "/x") == "https://[::1]:8443/x");
}

TEST_CASE("an HTTPS origin's protocols come from OriginSslProtocols, TLSv1.2 when it has none") {
  const auto config = cfl::Json::parse(R"({"OriginSslProtocols": {"Quantity": 2, "Items": ["TLSv1.1", "TLSv1.2"]}})");
  CHECK(OriginSslProtocols(config) == std::vector<std::string>{"TLSv1.1", "TLSv1.2"});
  CHECK(OriginSslProtocols(cfl::Json::object()) == std::vector<std::string>{"TLSv1.2"});
  CHECK(OriginSslProtocols(cfl::Json::parse(R"({"OriginSslProtocols": {"Items": [1]}})")) ==
        std::vector<std::string>{"TLSv1.2"});
}

}  // namespace cfl::edge
