#include "emulator/edge/geo.h"

#include <array>
#include <strings.h>

namespace cfl::edge {
namespace {

using Json = cfl::Json;

constexpr std::size_t kMaxValueLength = 128;

// One member of ViewerLocation: its JSON name, the suffix of its
// CloudFront-Viewer-* (and X-Cfl-Viewer-*) header.
struct LocationField {
  std::string_view json_name;
  std::string_view header_suffix;
  std::string ViewerLocation::*member;
};

constexpr std::array<LocationField, 11> kFields = {{
    {"country", "Country", &ViewerLocation::country},
    {"country_name", "Country-Name", &ViewerLocation::country_name},
    {"region", "Country-Region", &ViewerLocation::region},
    {"region_name", "Country-Region-Name", &ViewerLocation::region_name},
    {"city", "City", &ViewerLocation::city},
    {"postal_code", "Postal-Code", &ViewerLocation::postal_code},
    {"time_zone", "Time-Zone", &ViewerLocation::time_zone},
    {"latitude", "Latitude", &ViewerLocation::latitude},
    {"longitude", "Longitude", &ViewerLocation::longitude},
    {"metro_code", "Metro-Code", &ViewerLocation::metro_code},
    {"asn", "ASN", &ViewerLocation::asn},
}};

// Country names of the codes tests most use; another code's name is unknown
// unless X-Cfl-Viewer-Country-Name gives it.
constexpr std::pair<std::string_view, std::string_view> kCountryNames[] = {
    {"AR", "Argentina"},      {"AT", "Austria"},       {"AU", "Australia"},    {"BE", "Belgium"},
    {"BR", "Brazil"},         {"CA", "Canada"},        {"CH", "Switzerland"},  {"CN", "China"},
    {"CZ", "Czechia"},        {"DE", "Germany"},       {"DK", "Denmark"},      {"ES", "Spain"},
    {"FI", "Finland"},        {"FR", "France"},        {"GB", "United Kingdom"}, {"HK", "Hong Kong"},
    {"IE", "Ireland"},        {"IL", "Israel"},        {"IN", "India"},        {"IT", "Italy"},
    {"JP", "Japan"},          {"KR", "South Korea"},   {"MX", "Mexico"},       {"NL", "Netherlands"},
    {"NO", "Norway"},         {"NZ", "New Zealand"},   {"PL", "Poland"},       {"PT", "Portugal"},
    {"RU", "Russia"},         {"SE", "Sweden"},        {"SG", "Singapore"},    {"TW", "Taiwan"},
    {"US", "United States"},  {"ZA", "South Africa"},
};

bool StartsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && strncasecmp(text.data(), prefix.data(), prefix.size()) == 0;
}

bool Printable(std::string_view value) {
  if (value.size() > kMaxValueLength) return false;
  for (const char c : value) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

bool IsCountryCode(std::string_view value) {
  return value.size() == 2 && value[0] >= 'A' && value[0] <= 'Z' && value[1] >= 'A' && value[1] <= 'Z';
}

std::string CountryName(std::string_view code) {
  for (const auto& [known, name] : kCountryNames) {
    if (known == code) return std::string(name);
  }
  return "";
}

// The viewer's test header for a field, or nullopt when absent or unusable.
std::optional<std::string> TestHeader(const Headers& headers, std::string_view suffix) {
  for (const auto& [name, value] : headers) {
    if (name.size() == kViewerTestHeaderPrefix.size() + suffix.size() &&
        StartsWithIgnoringCase(name, kViewerTestHeaderPrefix) &&
        strncasecmp(name.data() + kViewerTestHeaderPrefix.size(), suffix.data(), suffix.size()) == 0) {
      if (Printable(value)) return value;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

bool Contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

struct Device {
  bool mobile = false, tablet = false, smart_tv = false, ios = false, android = false;
  bool desktop() const { return !mobile && !tablet && !smart_tv; }
};

// What CloudFront tells of a device from its User-Agent, in the broad strokes
// of the usual markers.
Device DeviceOf(std::string_view user_agent) {
  Device device;
  device.ios = Contains(user_agent, "iPhone") || Contains(user_agent, "iPad") || Contains(user_agent, "iPod");
  device.android = Contains(user_agent, "Android");
  device.smart_tv = Contains(user_agent, "SmartTV") || Contains(user_agent, "SMART-TV") ||
                    Contains(user_agent, "AppleTV") || Contains(user_agent, "CrKey");
  device.tablet = !device.smart_tv && (Contains(user_agent, "iPad") || Contains(user_agent, "Tablet") ||
                                       (device.android && !Contains(user_agent, "Mobile")));
  device.mobile = !device.smart_tv && !device.tablet &&
                  (Contains(user_agent, "Mobi") || Contains(user_agent, "iPhone") || Contains(user_agent, "iPod"));
  return device;
}

const char* Flag(bool value) { return value ? "true" : "false"; }

}  // namespace

bool IsCloudFrontViewerHeader(std::string_view name) {
  return StartsWithIgnoringCase(name, "CloudFront-Viewer-") || StartsWithIgnoringCase(name, "CloudFront-Is-") ||
         (name.size() == 26 && StartsWithIgnoringCase(name, "CloudFront-Forwarded-Proto"));
}

bool IsViewerTestHeader(std::string_view name) { return StartsWithIgnoringCase(name, kViewerTestHeaderPrefix); }

ViewerLocation LocateViewer(const Headers& viewer_headers, const ViewerLocation& profile) {
  const auto country = TestHeader(viewer_headers, "Country");
  if (!country) return profile;
  ViewerLocation location;
  for (const auto& field : kFields) location.*field.member = TestHeader(viewer_headers, field.header_suffix).value_or("");
  if (!IsCountryCode(location.country)) location.country.clear();
  if (location.country_name.empty()) location.country_name = CountryName(location.country);
  return location;
}

ViewerRequest WithCloudFrontViewerHeaders(const ViewerRequest& request, const ViewerLocation& location) {
  ViewerRequest passed;
  passed.method = request.method;
  passed.target = request.target;
  passed.body = request.body;
  passed.client_ip = request.client_ip;
  passed.client_port = request.client_port;
  passed.https = request.https;
  passed.ssl_protocol = request.ssl_protocol;
  passed.ssl_cipher = request.ssl_cipher;
  passed.viewer_headers_added = true;
  passed.headers.reserve(request.headers.size() + 20);
  for (const auto& header : request.headers) {
    if (IsCloudFrontViewerHeader(header.first) || IsViewerTestHeader(header.first)) {
      continue;
    }
    passed.headers.push_back(header);
  }
  auto& headers = passed.headers;
  for (const auto& field : kFields) {
    const std::string& value = location.*field.member;
    if (!value.empty()) headers.emplace_back("CloudFront-Viewer-" + std::string(field.header_suffix), value);
  }
  const Device device = DeviceOf(HeaderValue(request.headers, "User-Agent"));
  headers.emplace_back("CloudFront-Is-Desktop-Viewer", Flag(device.desktop()));
  headers.emplace_back("CloudFront-Is-Mobile-Viewer", Flag(device.mobile));
  headers.emplace_back("CloudFront-Is-Tablet-Viewer", Flag(device.tablet));
  headers.emplace_back("CloudFront-Is-SmartTV-Viewer", Flag(device.smart_tv));
  headers.emplace_back("CloudFront-Is-IOS-Viewer", Flag(device.ios));
  headers.emplace_back("CloudFront-Is-Android-Viewer", Flag(device.android));
  headers.emplace_back("CloudFront-Forwarded-Proto", request.https ? "https" : "http");
  if (!request.client_ip.empty()) {
    headers.emplace_back("CloudFront-Viewer-Address", request.client_ip + ":" + std::to_string(request.client_port));
  }
  headers.emplace_back("CloudFront-Viewer-Http-Version", "1.1");
  // The listener does not say which suite it agreed; this is a usual one.
  if (request.https) headers.emplace_back("CloudFront-Viewer-TLS", "TLSv1.3:TLS_AES_128_GCM_SHA256:fullHandshake");
  return passed;
}

namespace {

// The config's GeoRestriction when it allows or denies a list, else null.
const Json* ActiveGeoRestriction(const Json& distribution_config) {
  const auto restrictions = distribution_config.find("Restrictions");
  if (restrictions == distribution_config.end() || !restrictions->is_object()) return nullptr;
  const auto geo = restrictions->find("GeoRestriction");
  if (geo == restrictions->end() || !geo->is_object()) return nullptr;
  const auto type = geo->find("RestrictionType");
  if (type == geo->end() || !type->is_string()) return nullptr;
  return *type == "whitelist" || *type == "blacklist" ? &*geo : nullptr;
}

}  // namespace

bool GeoRestricted(const Json& distribution_config) { return ActiveGeoRestriction(distribution_config) != nullptr; }

bool GeoBlocked(const Json& distribution_config, std::string_view country) {
  if (country.empty()) return false;
  const Json* geo = ActiveGeoRestriction(distribution_config);
  if (!geo) return false;
  const std::string type = geo->value("RestrictionType", "none");
  bool listed = false;
  const auto items = geo->find("Items");
  if (items != geo->end() && items->is_array()) {
    for (const auto& item : *items) {
      if (item.is_string() && strcasecmp(item.get_ref<const std::string&>().c_str(), std::string(country).c_str()) == 0) {
        listed = true;
      }
    }
  }
  return type == "whitelist" ? !listed : listed;
}

Result<ViewerLocation, std::string> ViewerLocationFromJson(const Json& body) {
  if (!body.is_object()) return Fail(std::string("the viewer profile must be a JSON object"));
  ViewerLocation location;
  for (const auto& field : kFields) location.*field.member = "";
  for (const auto& [name, value] : body.items()) {
    const LocationField* field = nullptr;
    for (const auto& candidate : kFields) {
      if (candidate.json_name == name) field = &candidate;
    }
    if (!field) return Fail("unknown member \"" + name.substr(0, 64) + "\" of the viewer profile");
    if (!value.is_string() || !Printable(value.get_ref<const std::string&>())) {
      return Fail(name + " must be a string of at most 128 printable ASCII characters");
    }
    location.*field->member = value.get<std::string>();
  }
  if (!location.country.empty() && !IsCountryCode(location.country)) {
    return Fail("country must be an ISO 3166-1 alpha-2 code in upper case (e.g. \"FR\"), got \"" +
                location.country + "\"");
  }
  if (location.country_name.empty()) location.country_name = CountryName(location.country);
  return location;
}

Json ViewerLocationJson(const ViewerLocation& location) {
  Json json = Json::object();
  for (const auto& field : kFields) {
    if (!(location.*field.member).empty()) json[std::string(field.json_name)] = location.*field.member;
  }
  return json;
}

}  // namespace cfl::edge
