#include "emulator/edge/geo.h"

#include <doctest/doctest.h>

namespace cfl::edge {

TEST_CASE("geo: the viewer's location comes from the test headers, else the profile") {
  const ViewerLocation profile;
  CHECK(LocateViewer({}, profile).country == "US");
  CHECK(LocateViewer({}, profile).city == "Ashburn");

  const auto france = LocateViewer({{"x-cfl-viewer-country", "FR"}, {"X-Cfl-Viewer-City", "Lyon"}}, profile);
  CHECK(france.country == "FR");
  CHECK(france.country_name == "France");
  CHECK(france.city == "Lyon");
  CHECK(france.region.empty());  // not Virginia's
  CHECK(france.time_zone.empty());

  CHECK(LocateViewer({{"X-Cfl-Viewer-Country", "fra"}}, profile).country.empty());  // not a code: unknown
  CHECK(LocateViewer({{"X-Cfl-Viewer-Country", "ZZ"}}, profile).country_name.empty());
  CHECK(LocateViewer({{"X-Cfl-Viewer-Country", std::string(200, 'A')}}, profile).country == "US");  // ignored
}

TEST_CASE("geo: CloudFront's viewer headers replace the viewer's own") {
  ViewerRequest request{"GET", "/", {{"Host", "d.example"}, {"CloudFront-Viewer-Country", "XX"},
                                     {"cloudfront-is-mobile-viewer", "true"}, {"X-Cfl-Viewer-Country", "DE"},
                                     {"User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile"}}};
  request.client_ip = "203.0.113.9";
  request.client_port = 51234;
  ViewerLocation location;
  location.country = "DE";
  location.city.clear();
  const auto passed = WithCloudFrontViewerHeaders(request, location);
  CHECK(HeaderValue(passed.headers, "Host") == "d.example");
  CHECK(HeaderValue(passed.headers, "CloudFront-Viewer-Country") == "DE");
  CHECK(HeaderValue(passed.headers, "CloudFront-Viewer-City") == "");
  CHECK(HeaderValue(passed.headers, "X-Cfl-Viewer-Country") == "");
  CHECK(HeaderValue(passed.headers, "CloudFront-Is-Mobile-Viewer") == "true");
  CHECK(HeaderValue(passed.headers, "CloudFront-Is-IOS-Viewer") == "true");
  CHECK(HeaderValue(passed.headers, "CloudFront-Is-Desktop-Viewer") == "false");
  CHECK(HeaderValue(passed.headers, "CloudFront-Viewer-Address") == "203.0.113.9:51234");
  CHECK(HeaderValue(passed.headers, "CloudFront-Forwarded-Proto") == "http");
  CHECK(HeaderValue(passed.headers, "CloudFront-Viewer-TLS") == "");  // HTTP: no TLS
  std::size_t countries = 0;
  for (const auto& [name, value] : passed.headers) countries += name == "CloudFront-Viewer-Country" ? 1 : 0;
  CHECK(countries == 1);

  request.headers = {{"User-Agent", "Mozilla/5.0 (X11; Linux x86_64)"}};
  request.https = true;
  const auto desktop = WithCloudFrontViewerHeaders(request, location);
  CHECK(HeaderValue(desktop.headers, "CloudFront-Is-Desktop-Viewer") == "true");
  CHECK(HeaderValue(desktop.headers, "CloudFront-Forwarded-Proto") == "https");
  CHECK(HeaderValue(desktop.headers, "CloudFront-Viewer-TLS").starts_with("TLSv1.3:"));
  CHECK(IsCloudFrontViewerHeader("cloudfront-viewer-asn"));
  CHECK(IsCloudFrontViewerHeader("CloudFront-Forwarded-Proto"));
  CHECK_FALSE(IsCloudFrontViewerHeader("CloudFront-Policy"));
}

TEST_CASE("geo: a restriction's allow and deny lists") {
  const auto config = [](std::string_view type) {
    return cfl::Json{{"Restrictions",
                           {{"GeoRestriction", {{"RestrictionType", type}, {"Quantity", 2}, {"Items", {"FR", "DE"}}}}}}};
  };
  CHECK_FALSE(GeoBlocked(config("whitelist"), "FR"));
  CHECK(GeoBlocked(config("whitelist"), "US"));
  CHECK(GeoBlocked(config("blacklist"), "DE"));
  CHECK_FALSE(GeoBlocked(config("blacklist"), "US"));
  CHECK_FALSE(GeoBlocked(config("whitelist"), ""));  // a viewer CloudFront cannot locate is served
  CHECK_FALSE(GeoBlocked(config("none"), "FR"));
  CHECK_FALSE(GeoBlocked(cfl::Json::object(), "FR"));
}

TEST_CASE("geo: the control plane's profile is checked") {
  const auto parsed = ViewerLocationFromJson({{"country", "JP"}, {"city", "Tokyo"}});
  REQUIRE(parsed);
  CHECK(parsed.value().country_name == "Japan");
  CHECK(parsed.value().region.empty());
  CHECK(ViewerLocationJson(parsed.value()) == cfl::Json{{"country", "JP"}, {"country_name", "Japan"},
                                                              {"city", "Tokyo"}});
  CHECK_FALSE(ViewerLocationFromJson({{"country", "jp"}}));
  CHECK_FALSE(ViewerLocationFromJson({{"planet", "Mars"}}));
  CHECK_FALSE(ViewerLocationFromJson({{"city", 7}}));
  CHECK_FALSE(ViewerLocationFromJson(cfl::Json::array()));
}

}  // namespace cfl::edge
