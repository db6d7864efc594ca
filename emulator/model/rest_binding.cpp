#include "emulator/model/rest_binding.h"

#include <array>

#include "emulator/model/validate.h"

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

std::string_view MethodName(HttpMethod method) {
  static constexpr std::array kNames = {"GET", "POST", "PUT", "DELETE"};
  return kNames[static_cast<int>(method)];
}

bool QueryRequirementMet(std::string_view requirement, const QueryMap& query) {
  if (requirement.empty()) return true;
  const auto equals = requirement.find('=');
  const std::string key(requirement.substr(0, equals));
  const auto found = query.find(key);
  if (found == query.end()) return false;
  return equals == std::string_view::npos || found->second == requirement.substr(equals + 1);
}

// How specific a match is: a required query beats none, then literal segments.
int Specificity(const OperationDef& operation, std::size_t literal_segments) {
  return (operation.required_query.empty() ? 0 : 1000) + static_cast<int>(literal_segments);
}

bool IsLabel(std::string_view part) { return part.size() > 2 && part.front() == '{' && part.back() == '}'; }

// Each operation's path template, split once: routing runs on every request.
const std::vector<std::vector<std::string_view>>& SplitTemplates() {
  static const auto templates = [] {
    std::vector<std::vector<std::string_view>> split;
    for (const auto& operation : Operations()) split.push_back(SplitPath(operation.path));
    return split;
  }();
  return templates;
}

// How many literal segments match, or nullopt when the template does not.
std::optional<std::size_t> MatchTemplate(const std::vector<std::string_view>& pattern,
                                         const std::vector<std::string_view>& segments) {
  if (pattern.size() != segments.size()) return std::nullopt;
  std::size_t literal_count = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (IsLabel(pattern[i])) continue;
    if (pattern[i] != segments[i]) return std::nullopt;
    ++literal_count;
  }
  return literal_count;
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
  const auto segments = SplitPath(path);
  const auto operations = Operations();
  const auto& templates = SplitTemplates();
  std::size_t best = operations.size();
  int best_score = -1;
  for (std::size_t i = 0; i < operations.size(); ++i) {
    const auto& operation = operations[i];
    if (MethodName(operation.method) != method || !QueryRequirementMet(operation.required_query, query)) continue;
    const auto literal_count = MatchTemplate(templates[i], segments);
    if (!literal_count) continue;
    if (const int score = Specificity(operation, *literal_count); score > best_score) {
      best_score = score;
      best = i;
    }
  }
  if (best == operations.size()) return std::nullopt;
  return BindLabels(operations[best], templates[best], segments);
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
