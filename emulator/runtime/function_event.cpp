#include "emulator/runtime/function_event.h"

#include <algorithm>
#include <cctype>
#include "emulator/common/json.h"

namespace cfl::runtime {
namespace {

using Json = cfl::Json;

std::string Lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

void Default(Json& object, const char* member, Json value) {
  if (!object.contains(member) || object[member].is_null()) object[member] = std::move(value);
}

// A name → {value, multiValue?} map: repeats join multiValue, the first stays value.
void AddValue(Json& map, const std::string& name, const std::string& value) {
  if (!map.contains(name)) {
    map[name] = {{"value", value}};
    return;
  }
  Json& entry = map[name];
  if (!entry.contains("multiValue")) entry["multiValue"] = Json::array({{{"value", entry["value"]}}});
  entry["multiValue"].push_back({{"value", value}});
}

Json LowercaseNames(const Json& headers) {
  Json lowered = Json::object();
  for (const auto& [name, value] : headers.items()) lowered[Lowercase(name)] = value;
  return lowered;
}

std::string PercentDecode(std::string_view text) {
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      decoded += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      decoded += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  return decoded;
}

std::string Trim(std::string_view text) {
  const auto first = text.find_first_not_of(' ');
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(' ');
  return std::string(text.substr(first, last - first + 1));
}

Json ContextOf(const EventContext& context, const char* event_type) {
  return {{"distributionDomainName", context.distribution_domain_name},
          {"distributionId", context.distribution_id},
          {"eventType", event_type},
          {"requestId", context.request_id}};
}

}  // namespace

Result<std::string, std::string> CompleteEvent(std::string_view json, const EventContext& context) {
  Json event = Json::parse(json, nullptr, false);
  if (event.is_discarded()) return Fail(std::string("The event object is not valid JSON."));
  if (!event.is_object()) return Fail(std::string("The event object must be a JSON object."));
  Default(event, "version", "1.0");
  Default(event, "context", Json::object());
  if (!event["context"].is_object()) return Fail(std::string("The event's context must be an object."));
  Json& event_context = event["context"];
  const bool has_response = event.contains("response");
  Default(event_context, "eventType", has_response ? "viewer-response" : "viewer-request");
  const Json type = event_context["eventType"];
  if (type != "viewer-request" && type != "viewer-response") {
    return Fail(std::string("The event type must be viewer-request or viewer-response."));
  }
  Default(event_context, "distributionDomainName", context.distribution_domain_name);
  Default(event_context, "distributionId", context.distribution_id);
  Default(event_context, "requestId", context.request_id);
  Default(event, "viewer", {{"ip", "127.0.0.1"}});
  if (!event.contains("request") || !event["request"].is_object()) {
    return Fail(std::string("The event object must have a request object."));
  }
  Json& request = event["request"];
  Default(request, "method", "GET");
  Default(request, "uri", "/");
  for (const char* map : {"querystring", "headers", "cookies"}) {
    Default(request, map, Json::object());
    if (!request[map].is_object()) return Fail("The request's " + std::string(map) + " must be an object.");
  }
  request["headers"] = LowercaseNames(request["headers"]);
  if (type == "viewer-response") {
    if (!event.contains("response") || !event["response"].is_object()) {
      return Fail(std::string("A viewer-response event must have a response object."));
    }
    Json& response = event["response"];
    Default(response, "statusCode", 200);
    for (const char* map : {"headers", "cookies"}) {
      Default(response, map, Json::object());
      if (!response[map].is_object()) return Fail("The response's " + std::string(map) + " must be an object.");
    }
    response["headers"] = LowercaseNames(response["headers"]);
  }
  return event.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<std::string, std::string> CompleteConnectionEvent(std::string_view json) {
  Json connection = Json::parse(json, nullptr, false);
  if (connection.is_discarded()) return Fail(std::string("The connection object is not valid JSON."));
  if (!connection.is_object()) return Fail(std::string("The connection object must be a JSON object."));
  // allow and deny are the runtime's: a member of either name would hide them.
  for (const char* method : {"allow", "deny"}) {
    if (connection.contains(method)) {
      return Fail("The connection object cannot have a member named " + std::string(method) + ".");
    }
  }
  return connection.dump(-1, ' ', false, Json::error_handler_t::replace);
}

namespace {

// The request member of an event, from what the viewer sent.
Json RequestMember(const ViewerRequest& request) {
  Json headers = Json::object();
  Json cookies = Json::object();
  for (const auto& [name, value] : request.headers) {
    const std::string lowered = Lowercase(name);
    if (lowered != "cookie") {
      AddValue(headers, lowered, value);
      continue;
    }
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto semicolon = std::min(rest.find(';'), rest.size());
      const std::string pair = Trim(rest.substr(0, semicolon));
      rest.remove_prefix(std::min(semicolon + 1, rest.size()));
      if (pair.empty()) continue;
      const auto equals = pair.find('=');
      AddValue(cookies, pair.substr(0, equals), equals == std::string::npos ? "" : pair.substr(equals + 1));
    }
  }
  Json querystring = Json::object();
  std::string_view rest = request.query_string;
  while (!rest.empty()) {
    const auto ampersand = std::min(rest.find('&'), rest.size());
    const std::string_view pair = rest.substr(0, ampersand);
    rest.remove_prefix(std::min(ampersand + 1, rest.size()));
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    AddValue(querystring, PercentDecode(pair.substr(0, equals)),
             equals == std::string_view::npos ? "" : PercentDecode(pair.substr(equals + 1)));
  }
  return {{"method", request.method},
          {"uri", request.uri},
          {"querystring", std::move(querystring)},
          {"headers", std::move(headers)},
          {"cookies", std::move(cookies)}};
}

// A Set-Cookie value as a response cookie: name → {value, attributes}.
void AddSetCookie(Json& cookies, std::string_view set_cookie) {
  const auto semicolon = set_cookie.find(';');
  const std::string pair = Trim(set_cookie.substr(0, semicolon));
  if (pair.empty()) return;
  const auto equals = pair.find('=');
  const std::string name = pair.substr(0, equals);
  Json cookie = {{"value", equals == std::string::npos ? "" : pair.substr(equals + 1)}};
  if (semicolon != std::string_view::npos) {
    const std::string attributes = Trim(set_cookie.substr(semicolon + 1));
    if (!attributes.empty()) cookie["attributes"] = attributes;
  }
  if (!cookies.contains(name)) {
    cookies[name] = std::move(cookie);
    return;
  }
  Json& entry = cookies[name];
  if (!entry.contains("multiValue")) entry["multiValue"] = Json::array({entry});
  entry["multiValue"].push_back(std::move(cookie));
}

}  // namespace

std::string ViewerRequestEvent(const ViewerRequest& request, const EventContext& context) {
  const Json event = {{"version", "1.0"},
                      {"context", ContextOf(context, "viewer-request")},
                      {"viewer", {{"ip", request.viewer_ip}}},
                      {"request", RequestMember(request)}};
  return event.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string ViewerResponseEvent(const ViewerRequest& request, const ViewerResponseData& response,
                                const EventContext& context) {
  Json headers = Json::object();
  Json cookies = Json::object();
  for (const auto& [name, value] : response.headers) {
    const std::string lowered = Lowercase(name);
    if (lowered == "set-cookie") {
      AddSetCookie(cookies, value);
    } else {
      AddValue(headers, lowered, value);
    }
  }
  const Json event = {{"version", "1.0"},
                      {"context", ContextOf(context, "viewer-response")},
                      {"viewer", {{"ip", request.viewer_ip}}},
                      {"request", RequestMember(request)},
                      {"response",
                       {{"statusCode", response.status},
                        {"statusDescription", response.status_description},
                        {"headers", std::move(headers)},
                        {"cookies", std::move(cookies)}}}};
  return event.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace cfl::runtime
