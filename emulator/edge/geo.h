// Where a viewer is, as CloudFront learns it from the viewer's IP address
// (a geolocation database the emulator does not have): the emulator takes it
// from test headers the viewer sends (X-Cfl-Viewer-Country: FR, ...), else
// from a profile the control plane sets (PUT /_emulator/edge/viewer), else
// from a default profile (Ashburn, Virginia, US). From it come the
// CloudFront-Viewer-* headers (and CloudFront-Is-*-Viewer from the
// User-Agent, CloudFront-Forwarded-Proto, -Viewer-Address, -Http-Version,
// -TLS) that origin request and cache policies may ask for, and the country
// that a distribution's geographic restriction judges.
//
// Pure functions, no I/O: safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "emulator/common/json.h"

#include "emulator/common/result.h"
#include "emulator/edge/edge_types.h"

namespace cfl::edge {

// What a geolocation database tells of a viewer. Empty members are unknown:
// their headers are not sent. Strings as the headers carry them.
struct ViewerLocation {
  std::string country = "US";  // ISO 3166-1 alpha-2, upper case
  std::string country_name = "United States";
  std::string region = "VA";  // ISO 3166-2 subdivision code
  std::string region_name = "Virginia";
  std::string city = "Ashburn";
  std::string postal_code = "20147";
  std::string time_zone = "America/New_York";
  std::string latitude = "39.04370";
  std::string longitude = "-77.48750";
  std::string metro_code = "511";
  std::string asn = "16509";
};

// The test headers' prefix: X-Cfl-Viewer-Country, X-Cfl-Viewer-City, ...
inline constexpr std::string_view kViewerTestHeaderPrefix = "X-Cfl-Viewer-";

// The viewer's location: the profile, unless the request carries
// X-Cfl-Viewer-Country; then every member comes from its own test header
// (X-Cfl-Viewer-Country-Name, -Country-Region, -Country-Region-Name, -City,
// -Postal-Code, -Time-Zone, -Latitude, -Longitude, -Metro-Code, -ASN), the
// country name from the country code when not given, and the rest unknown:
// a test that moves the viewer to France gets no city of Virginia. A value
// that is not printable ASCII of at most 128 characters is ignored; a
// country that is not two letters is unknown.
ViewerLocation LocateViewer(const Headers& viewer_headers, const ViewerLocation& profile);

// The request as the edge passes it on: the viewer's own CloudFront-Viewer-*,
// CloudFront-Is-*-Viewer, CloudFront-Forwarded-Proto and X-Cfl-Viewer-*
// headers removed, and CloudFront's added (location, device, address, HTTP
// version, TLS on HTTPS); the policies then select them like any header.
// The edge makes it only for a request something will read these of (a
// function, a policy that may select them): it costs a copy of the request.
ViewerRequest WithCloudFrontViewerHeaders(const ViewerRequest& request, const ViewerLocation& location);

// Whether a CloudFront-* header the edge adds: all-viewer selections do not
// take these, only lists that name them.
bool IsCloudFrontViewerHeader(std::string_view name);
// Whether an X-Cfl-Viewer-* test header (never passed on).
bool IsViewerTestHeader(std::string_view name);

// Whether a distribution config's Restrictions.GeoRestriction allows or
// denies a list of countries (else the viewer's country is not needed).
bool GeoRestricted(const cfl::Json& distribution_config);

// Whether a distribution config's Restrictions.GeoRestriction refuses a
// viewer from country ("" when unknown: CloudFront serves viewers it cannot
// locate).
bool GeoBlocked(const cfl::Json& distribution_config, std::string_view country);

// The 403 page's text for a viewer a geographic restriction refuses.
inline constexpr std::string_view kGeoBlockedText =
    "The Amazon CloudFront distribution is configured to block access from your country.";

// The control plane's JSON for a profile ({"country": "FR", "city": ...}):
// members are the snake_case names of ViewerLocation; absent ones are unknown.
// Unknown members, non-strings, bad countries and overlong values are refused.
Result<ViewerLocation, std::string> ViewerLocationFromJson(const cfl::Json& body);
cfl::Json ViewerLocationJson(const ViewerLocation& location);

}  // namespace cfl::edge
