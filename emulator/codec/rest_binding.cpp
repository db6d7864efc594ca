#include "emulator/codec/rest_binding.h"

#include <array>

#include "emulator/codec/validate.h"

namespace cfl::model {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) segments.push_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

std::optional<HttpMethod> ParseMethod(std::string_view method) {
  static constexpr std::array<std::pair<std::string_view, HttpMethod>, 4> kMethods = {{
      {"GET", HttpMethod::kGet}, {"POST", HttpMethod::kPost}, {"PUT", HttpMethod::kPut}, {"DELETE", HttpMethod::kDelete}}};
  for (const auto& [name, value] : kMethods) {
    if (name == method) return value;
  }
  return std::nullopt;
}

bool IsLabel(std::string_view part) { return part.size() > 2 && part.front() == '{' && part.back() == '}'; }

// An operation's path template and required query, split once: routing runs
// on every request.
struct RouteTemplate {
  const OperationDef* operation;
  std::vector<std::string_view> segments;
  std::string query_key;                    // "" when no query is required
  std::optional<std::string> query_value;   // required value of query_key, if any
  int literal_segments = 0;

  bool QueryMet(const QueryMap& query) const {
    if (query_key.empty()) return true;
    const auto found = query.find(query_key);
    return found != query.end() && (!query_value || found->second == *query_value);
  }
};

RouteTemplate MakeTemplate(const OperationDef& operation) {
  RouteTemplate made{&operation, SplitPath(operation.path), {}, std::nullopt, 0};
  const std::string_view requirement = operation.required_query;
  const auto equals = requirement.find('=');
  made.query_key = std::string(requirement.substr(0, equals));
  if (equals != std::string_view::npos) made.query_value = std::string(requirement.substr(equals + 1));
  for (const auto segment : made.segments) made.literal_segments += IsLabel(segment) ? 0 : 1;
  return made;
}

const std::vector<RouteTemplate>& RouteTemplates() {
  static const auto templates = [] {
    std::vector<RouteTemplate> made;
    for (const auto& operation : Operations()) made.push_back(MakeTemplate(operation));
    return made;
  }();
  return templates;
}

// How specific a match is: a required query beats none, then literal segments.
int Specificity(const RouteTemplate& route) { return (route.query_key.empty() ? 0 : 1000) + route.literal_segments; }

// Whether the template's literal segments equal the path's (same count assumed).
bool LiteralsMatch(const std::vector<std::string_view>& pattern, const std::vector<std::string_view>& segments) {
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (!IsLabel(pattern[i]) && pattern[i] != segments[i]) return false;
  }
  return true;
}

Route BindLabels(const OperationDef& operation, const std::vector<std::string_view>& pattern,
                 const std::vector<std::string_view>& segments) {
  Route route{&operation, {}};
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (IsLabel(pattern[i])) {
      route.labels.emplace(std::string(pattern[i].substr(1, pattern[i].size() - 2)), std::string(segments[i]));
    }
  }
  return route;
}

Result<Json, ApiError> ConvertScalar(const std::string& text, const MemberDef& member) {
  const ShapeDef& shape = Shape(member.shape);
  if (shape.type == ShapeType::kInteger || shape.type == ShapeType::kLong) {
    try {
      std::size_t used = 0;
      const long long number = std::stoll(text, &used);
      if (used == text.size()) return Json(number);
    } catch (const std::exception&) {
    }
    return Fail(InvalidArgument("Invalid value '" + text + "' for " + std::string(member.wire_name) + "."));
  }
  if (shape.type == ShapeType::kBoolean) return Json(text == "true");
  return Json(text);
}

std::optional<std::string> ReadBound(const MemberDef& member, const Route& route, const HttpRequestView& request) {
  switch (member.location) {
    case Location::kUri: {
      const auto it = route.labels.find(member.wire_name);
      if (it != route.labels.end()) return it->second;
      return std::nullopt;
    }
    case Location::kQuery: {
      const auto it = request.query.find(std::string(member.wire_name));
      if (it != request.query.end()) return it->second;
      return std::nullopt;
    }
    case Location::kHeader:
      return request.header(member.wire_name);
    default:
      return std::nullopt;
  }
}

Result<Json, ApiError> DecodePayload(const MemberDef& member, std::string_view body) {
  const ShapeDef& shape = Shape(member.shape);
  if (shape.type != ShapeType::kStructure) return Json(std::string(body));
  auto value = DecodeXml(body, member.wire_name, member.shape);
  if (!value) return value;
  if (auto check = Validate(value.value(), member.shape, member.wire_name); !check) {
    return Fail(std::move(check).error());
  }
  return value;
}

}  // namespace

std::optional<Route> FindRoute(std::string_view method, std::string_view path, const QueryMap& query) {
  const auto http_method = ParseMethod(method);
  if (!http_method) return std::nullopt;
  const auto segments = SplitPath(path);
  const RouteTemplate* best = nullptr;
  for (const auto& candidate : RouteTemplates()) {
    if (candidate.operation->method != *http_method || candidate.segments.size() != segments.size()) continue;
    if (best && Specificity(candidate) <= Specificity(*best)) continue;
    if (LiteralsMatch(candidate.segments, segments) && candidate.QueryMet(query)) best = &candidate;
  }
  if (!best) return std::nullopt;
  return BindLabels(*best->operation, best->segments, segments);
}

Result<Json, ApiError> DecodeRequest(const Route& route, const HttpRequestView& request) {
  Json input = Json::object();
  if (route.operation->input == kNoShape) return input;
  const ShapeDef& shape = Shape(route.operation->input);
  for (const auto& member : shape.members) {
    if (member.name == shape.payload) {
      if (request.body.empty()) {
        if (member.required) return Fail(MakeError("MissingBody", "The request body is missing."));
        continue;
      }
      auto payload = DecodePayload(member, request.body);
      if (!payload) return payload;
      input[std::string(member.name)] = std::move(payload).value();
      continue;
    }
    const auto text = ReadBound(member, route, request);
    if (!text) continue;
    auto value = ConvertScalar(*text, member);
    if (!value) return value;
    input[std::string(member.name)] = std::move(value).value();
  }
  return input;
}

HttpResponseParts EncodeResponse(const OperationDef& operation, const Json& output) {
  HttpResponseParts response;
  response.status = operation.success_status;
  if (operation.output == kNoShape) return response;
  const ShapeDef& shape = Shape(operation.output);
  for (const auto& member : shape.members) {
    const auto it = output.find(member.name);
    if (it == output.end() || it->is_null()) continue;
    if (member.location == Location::kHeader) {
      response.headers.emplace_back(std::string(member.wire_name),
                                    it->is_string() ? it->get<std::string>() : it->dump());
    } else if (member.name == shape.payload) {
      if (Shape(member.shape).type == ShapeType::kStructure) {
        response.body = EncodeXml(*it, member.wire_name, member.shape);
        response.headers.emplace_back("Content-Type", "text/xml");
      } else {
        response.body = it->is_string() ? it->get<std::string>() : it->dump();
        response.headers.emplace_back("Content-Type", "application/octet-stream");
      }
    }
  }
  return response;
}

HttpResponseParts EncodeError(const ApiError& error, std::string_view request_id) {
  std::string body = "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"";
  body += kXmlNamespace;
  body += "\"><Error><Type>";
  body += error.sender_fault ? "Sender" : "Receiver";
  body += "</Type><Code>";
  AppendXmlEscaped(body, error.code);
  body += "</Code><Message>";
  AppendXmlEscaped(body, error.message);
  body += "</Message></Error><RequestId>";
  AppendXmlEscaped(body, request_id);
  body += "</RequestId></ErrorResponse>";
  return {error.status, {{"Content-Type", "text/xml"}}, std::move(body)};
}

}  // namespace cfl::model
