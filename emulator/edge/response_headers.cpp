#include "emulator/edge/response_headers.h"

#include <strings.h>

#include <algorithm>
#include <string>
#include <vector>

namespace cfl::edge {
namespace {

using Json = cfl::Json;

std::vector<std::string> Items(const Json& parent, std::string_view member) {
  std::vector<std::string> items;
  const auto list = parent.find(member);
  if (list == parent.end() || !list->is_object()) return items;
  for (const auto& item : list->value("Items", Json::array())) {
    if (item.is_string()) items.push_back(item.get<std::string>());
  }
  return items;
}

std::string Joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

bool Has(const Headers& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& header) { return strcasecmp(header.first.c_str(), std::string(name).c_str()) == 0; });
}

void Remove(Headers& headers, std::string_view name) {
  std::erase_if(headers, [&](const auto& header) {
    return strcasecmp(header.first.c_str(), std::string(name).c_str()) == 0;
  });
}

// Sets name: value unless the origin sent it and override is false.
void Put(Headers& headers, const std::string& name, const std::string& value, bool override_origin) {
  if (Has(headers, name)) {
    if (!override_origin) return;
    Remove(headers, name);
  }
  headers.emplace_back(name, value);
}

void ApplyCors(const Json& cors, const ViewerRequest& request, Headers& headers) {
  const std::string origin = HeaderValue(request.headers, "Origin");
  if (origin.empty()) return;
  const auto allowed_origins = Items(cors, "AccessControlAllowOrigins");
  const bool any = std::find(allowed_origins.begin(), allowed_origins.end(), "*") != allowed_origins.end();
  if (!any && std::find(allowed_origins.begin(), allowed_origins.end(), origin) == allowed_origins.end()) return;
  const bool override_origin = cors.value("OriginOverride", true);
  const bool credentials = cors.value("AccessControlAllowCredentials", false);
  Put(headers, "Access-Control-Allow-Origin", any && !credentials ? "*" : origin, override_origin);
  if (credentials) Put(headers, "Access-Control-Allow-Credentials", "true", override_origin);
  if (const auto exposed = Items(cors, "AccessControlExposeHeaders"); !exposed.empty()) {
    Put(headers, "Access-Control-Expose-Headers", Joined(exposed), override_origin);
  }
  const bool preflight = request.method == "OPTIONS" && !HeaderValue(request.headers, "Access-Control-Request-Method").empty();
  if (!preflight) return;
  auto methods = Items(cors, "AccessControlAllowMethods");
  if (std::find(methods.begin(), methods.end(), "ALL") != methods.end()) {
    methods = {"GET", "DELETE", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"};
  }
  Put(headers, "Access-Control-Allow-Methods", Joined(methods), override_origin);
  if (const auto allowed = Items(cors, "AccessControlAllowHeaders"); !allowed.empty()) {
    Put(headers, "Access-Control-Allow-Headers", Joined(allowed), override_origin);
  }
  if (cors.contains("AccessControlMaxAgeSec") && cors["AccessControlMaxAgeSec"].is_number_integer()) {
    Put(headers, "Access-Control-Max-Age", std::to_string(cors["AccessControlMaxAgeSec"].get<std::int64_t>()),
        override_origin);
  }
}

void ApplySecurityHeaders(const Json& security, Headers& headers) {
  const auto each = [&](std::string_view member, const std::string& name, auto value_of) {
    const auto found = security.find(member);
    if (found == security.end() || !found->is_object()) return;
    Put(headers, name, value_of(*found), found->value("Override", false));
  };
  each("XSSProtection", "X-XSS-Protection", [](const Json& x) {
    if (!x.value("Protection", false)) return std::string("0");
    std::string value = "1";
    if (x.value("ModeBlock", false)) value += "; mode=block";
    if (const std::string uri = x.value("ReportUri", ""); !uri.empty()) value += "; report=" + uri;
    return value;
  });
  each("FrameOptions", "X-Frame-Options", [](const Json& x) { return x.value("FrameOption", std::string("DENY")); });
  each("ReferrerPolicy", "Referrer-Policy", [](const Json& x) { return x.value("ReferrerPolicy", std::string()); });
  each("ContentSecurityPolicy", "Content-Security-Policy",
       [](const Json& x) { return x.value("ContentSecurityPolicy", std::string()); });
  each("ContentTypeOptions", "X-Content-Type-Options", [](const Json&) { return std::string("nosniff"); });
  each("StrictTransportSecurity", "Strict-Transport-Security", [](const Json& x) {
    std::string value = "max-age=" + std::to_string(x.value("AccessControlMaxAgeSec", std::int64_t{0}));
    if (x.value("IncludeSubdomains", false)) value += "; includeSubDomains";
    if (x.value("Preload", false)) value += "; preload";
    return value;
  });
}

}  // namespace

void ApplyResponseHeadersPolicy(const Json& policy, const ViewerRequest& request, Headers& headers) {
  if (!policy.is_object()) return;
  if (const auto cors = policy.find("CorsConfig"); cors != policy.end() && cors->is_object()) {
    ApplyCors(*cors, request, headers);
  }
  if (const auto security = policy.find("SecurityHeadersConfig"); security != policy.end() && security->is_object()) {
    ApplySecurityHeaders(*security, headers);
  }
  const Json custom = policy.value("CustomHeadersConfig", Json::object());
  for (const auto& header : custom.value("Items", Json::array())) {
    if (header.is_object()) {
      Put(headers, header.value("Header", ""), header.value("Value", ""), header.value("Override", false));
    }
  }
  const Json removed = policy.value("RemoveHeadersConfig", Json::object());
  for (const auto& header : removed.value("Items", Json::array())) {
    if (header.is_object()) Remove(headers, header.value("Header", ""));
  }
}

double ServerTimingRate(const Json& policy) {
  const auto config = policy.find("ServerTimingHeadersConfig");
  if (config == policy.end() || !config->is_object() || !config->value("Enabled", false)) return 0;
  const auto rate = config->find("SamplingRate");
  if (rate == config->end() || !rate->is_number()) return 100;
  return std::clamp(rate->get<double>(), 0.0, 100.0);
}

std::string ServerTimingValue(const ServerTimingFacts& facts) {
  const auto millis = [](double ms) { return std::to_string(static_cast<long long>(ms + 0.5)); };
  std::string value;
  const auto add = [&value](const std::string& metric) { value += (value.empty() ? "" : ",") + metric; };
  if (facts.upstream_ms) {
    add("cdn-upstream-layer;desc=\"EDGE\"");
    add("cdn-upstream-fbl;dur=" + millis(*facts.upstream_ms));
  }
  if (facts.result_type == "Hit") add("cdn-cache-hit");
  if (facts.result_type == "RefreshHit") add("cdn-cache-refresh");
  if (facts.result_type == "Miss") add("cdn-cache-miss");
  add("cdn-pop;desc=\"" + facts.pop + "\"");
  add("cdn-rid;desc=\"" + facts.request_id + "\"");
  if (facts.result_type == "Hit" || facts.result_type == "RefreshHit") add("cdn-hit-layer;desc=\"EDGE\"");
  add("cdn-downstream-fbl;dur=" + millis(facts.downstream_ms));
  return value;
}

}  // namespace cfl::edge
