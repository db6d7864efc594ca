#include "emulator/codec/rest_binding.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "emulator/codec/decoded_payloads.h"
#include "emulator/codec/json_codec.h"
#include "emulator/codec/validate.h"
#include "emulator/codec/wire_text.h"
#include "emulator/common/clock.h"

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
  static constexpr std::array<std::pair<std::string_view, HttpMethod>, 6> kMethods = {{{"GET", HttpMethod::kGet},
                                                                                       {"POST", HttpMethod::kPost},
                                                                                       {"PUT", HttpMethod::kPut},
                                                                                       {"DELETE", HttpMethod::kDelete},
                                                                                       {"PATCH", HttpMethod::kPatch},
                                                                                       {"HEAD", HttpMethod::kHead}}};
  for (const auto& [name, value] : kMethods) {
    if (name == method) return value;
  }
  return std::nullopt;
}

bool IsLabel(std::string_view part) { return part.size() > 2 && part.front() == '{' && part.back() == '}'; }
bool IsGreedyLabel(std::string_view part) { return IsLabel(part) && part[part.size() - 2] == '+'; }

std::string_view LabelName(std::string_view part) {
  return part.substr(1, part.size() - (IsGreedyLabel(part) ? 3 : 2));
}

// An operation's path template and required query, split once: routing runs
// on every request.
struct RouteTemplate {
  const OperationDef* operation;
  std::vector<std::string_view> segments;
  std::string query_key;                    // "" when no query is required
  std::optional<std::string> query_value;   // required value of query_key, if any
  int literal_segments = 0;
  bool greedy = false;                      // the last segment is {Name+}: it takes the rest of the path

  bool QueryMet(const QueryMap& query) const {
    if (query_key.empty()) return true;
    const auto found = query.find(query_key);
    return found != query.end() && (!query_value || found->second == *query_value);
  }
  bool SizeFits(std::size_t count) const {
    return greedy ? count >= segments.size() : count == segments.size();
  }
};

RouteTemplate MakeTemplate(const OperationDef& operation) {
  RouteTemplate made{&operation, SplitPath(operation.path), {}, std::nullopt, 0, false};
  const std::string_view requirement = operation.required_query;
  const auto equals = requirement.find('=');
  made.query_key = std::string(requirement.substr(0, equals));
  if (equals != std::string_view::npos) made.query_value = std::string(requirement.substr(equals + 1));
  for (const auto segment : made.segments) made.literal_segments += IsLabel(segment) ? 0 : 1;
  made.greedy = !made.segments.empty() && IsGreedyLabel(made.segments.back());
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

// The templates of one method, most specific first (the model's order among
// equals): the first that matches a request is its route.
const std::vector<const RouteTemplate*>& RouteTemplatesOf(HttpMethod method) {
  static constexpr std::size_t kMethods = static_cast<std::size_t>(HttpMethod::kHead) + 1;
  static const auto by_method = [] {
    std::array<std::vector<const RouteTemplate*>, kMethods> made;
    for (const auto& route : RouteTemplates()) made[static_cast<std::size_t>(route.operation->method)].push_back(&route);
    for (auto& routes : made) {
      std::stable_sort(routes.begin(), routes.end(), [](const RouteTemplate* a, const RouteTemplate* b) {
        return Specificity(*a) > Specificity(*b);
      });
    }
    return made;
  }();
  return by_method[static_cast<std::size_t>(method)];
}

std::string DecodeSegment(std::string_view segment) {
  if (segment.find('%') == std::string_view::npos) return std::string(segment);
  auto decoded = PercentDecode(segment);
  return decoded ? std::move(*decoded) : std::string(segment);
}

// Whether the template's literal segments equal the path's.
bool LiteralsMatch(const std::vector<std::string_view>& pattern, const std::vector<std::string_view>& segments) {
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (IsLabel(pattern[i])) continue;
    if (pattern[i] == segments[i]) continue;
    if (segments[i].find('%') == std::string_view::npos || DecodeSegment(segments[i]) != pattern[i]) return false;
  }
  return true;
}

Route BindLabels(const RouteTemplate& route_template, std::string_view path,
                 const std::vector<std::string_view>& segments) {
  Route route{route_template.operation, {}};
  const auto& pattern = route_template.segments;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (!IsLabel(pattern[i])) continue;
    std::string_view value = segments[i];
    if (IsGreedyLabel(pattern[i])) value = path.substr(static_cast<std::size_t>(segments[i].data() - path.data()));
    route.labels.emplace(std::string(LabelName(pattern[i])), DecodeSegment(value));
  }
  return route;
}

bool StartsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

const ServiceDef& ServiceOfRoute(const Route& route) { return ServiceOf(*route.operation); }

bool IsJson(const ServiceDef& service) { return service.protocol == ProtocolKind::kRestJson; }

// The error for a bound value that does not parse as its type.
ApiError BadBoundValue(const ServiceDef& service, const MemberDef& member, const std::string& text) {
  std::string message = "Invalid value '" + text + "' for " + std::string(member.wire_name) + ".";
  return IsJson(service) ? kvs_errors::SerializationException(std::move(message))
                         : errors::InvalidArgument(std::move(message));
}

// One bound scalar (label, query value, header, or one item of a list of them).
Result<Json, ApiError> ConvertScalar(const std::string& text, const MemberDef& member, ShapeId shape_id,
                                     const ServiceDef& service) {
  const ShapeDef& shape = Shape(shape_id);
  switch (shape.type) {
    case ShapeType::kInteger:
    case ShapeType::kLong: {
      std::int64_t number = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
        return Fail(BadBoundValue(service, member, text));
      }
      return Json(number);
    }
    case ShapeType::kDouble:
    case ShapeType::kFloat: {
      double number = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (error != std::errc() || end != text.data() + text.size() || text.empty() || !std::isfinite(number)) {
        return Fail(BadBoundValue(service, member, text));
      }
      return Json(number);
    }
    case ShapeType::kBoolean:
      // botocore 1.29 writes a boolean header as Python prints it ("True").
      return Json(text.size() == 4 && StartsWithIgnoringCase(text, "true"));
    case ShapeType::kTimestamp: {
      const auto ms = ParseTimestamp(text);
      if (!ms) return Fail(BadBoundValue(service, member, text));
      return Json(FormatIso8601(*ms));
    }
    default:
      if (member.Has(kJsonValue) && member.location == Location::kHeader) {
        auto decoded = Base64Decode(text);  // a JSON document travels base64-encoded in a header
        if (!decoded) return Fail(BadBoundValue(service, member, text));
        return Json(std::move(*decoded));
      }
      return Json(text);
  }
}

// "a,b" → ["a", "b"], as SDKs join a list bound to a header.
std::vector<std::string> SplitHeaderList(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = std::min(text.find(',', start), text.size());
    std::string item = text.substr(start, comma - start);
    const auto first = item.find_first_not_of(' ');
    const auto last = item.find_last_not_of(' ');
    items.push_back(first == std::string::npos ? "" : item.substr(first, last - first + 1));
    start = comma + 1;
  }
  return items;
}

// The raw texts bound to member: none when absent; one per list item.
std::vector<std::string> BoundTexts(const MemberDef& member, const Route& route, const HttpRequestView& request) {
  std::vector<std::string> texts;
  const bool list = Shape(member.shape).type == ShapeType::kList;
  switch (member.location) {
    case Location::kUri:
      if (const auto it = route.labels.find(member.wire_name); it != route.labels.end()) texts.push_back(it->second);
      break;
    case Location::kQuery: {
      const auto [first, last] = request.query.equal_range(std::string(member.wire_name));
      for (auto it = first; it != last; ++it) {
        texts.push_back(it->second);
        if (!list) break;
      }
      break;
    }
    case Location::kHeader:
      if (auto value = request.header(member.wire_name)) {
        if (list) return SplitHeaderList(*value);
        texts.push_back(std::move(*value));
      }
      break;
    default:
      break;
  }
  return texts;
}

// A member bound to a header prefix: a map of the headers that start with it.
Result<Json, ApiError> ReadHeaderMap(const MemberDef& member, const HttpRequestView& request) {
  Json map = Json::object();
  if (!request.header_names) return map;
  for (const auto& name : request.header_names()) {
    if (!StartsWithIgnoringCase(name, member.wire_name)) continue;
    if (auto value = request.header(name)) map[name.substr(member.wire_name.size())] = std::move(*value);
  }
  return map;
}

Result<Json, ApiError> ReadBound(const MemberDef& member, const Route& route, const HttpRequestView& request,
                                 const ServiceDef& service) {
  if (member.location == Location::kHeaders) return ReadHeaderMap(member, request);
  const ShapeDef& shape = Shape(member.shape);
  auto texts = BoundTexts(member, route, request);
  if (texts.empty()) return Json();
  if (shape.type != ShapeType::kList) return ConvertScalar(texts.front(), member, member.shape, service);
  Json items = Json::array();
  for (const auto& text : texts) {
    auto item = ConvertScalar(text, member, shape.list_member, service);
    if (!item) return item;
    items.push_back(std::move(item).value());
  }
  return items;
}

Result<Json, ApiError> DecodeStructureBody(std::string_view body, std::string_view root, ShapeId shape,
                                           const ServiceDef& service) {
  if (IsJson(service)) return DecodeJson(body, shape);
  return DecodeXml(body, root, shape);
}

Result<Json, ApiError> DecodePayload(const MemberDef& member, std::string_view body, const ServiceDef& service) {
  const ShapeDef& shape = Shape(member.shape);
  if (shape.type == ShapeType::kBlob) return Json(Base64Encode(body));
  if (shape.type != ShapeType::kStructure) return Json(std::string(body));
  return DecodeStructureBody(body, member.wire_name, member.shape, service);
}

bool HasBodyMembers(const ShapeDef& shape) {
  for (const auto& member : shape.members) {
    if (member.location == Location::kBody) return true;
  }
  return false;
}

// The text of a header-bound value.
std::string HeaderText(const Json& value, const MemberDef& member) {
  const ShapeDef& shape = Shape(member.shape);
  if (shape.type == ShapeType::kTimestamp && value.is_string()) {
    const auto ms = ParseTimestamp(value.get_ref<const std::string&>());
    if (!ms) return value.get<std::string>();
    const auto format = member.timestamp_format != TimestampFormat::kDefault ? member.timestamp_format
                                                                             : shape.timestamp_format;
    if (format == TimestampFormat::kIso8601) return FormatIso8601(*ms);
    if (format == TimestampFormat::kUnixTimestamp) return FormatEpochSeconds(*ms);
    return FormatRfc822(*ms);
  }
  if (value.is_string()) {
    if (member.Has(kJsonValue)) return Base64Encode(value.get_ref<const std::string&>());
    return value.get<std::string>();
  }
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_array()) {
    std::string joined;
    for (const auto& item : value) joined.append(joined.empty() ? "" : ",").append(item.is_string() ? item.get<std::string>() : item.dump());
    return joined;
  }
  return value.dump();
}

// Header names the model spells differently from what the service sends:
// both go out, so clients reading either find the value.
std::string_view UsualSpelling(std::string_view header) {
  if (header == "ETtag") return "ETag";  // UpdateFunction's output
  return {};
}

bool HasHeader(const HttpResponseParts& response, std::string_view name) {
  for (const auto& [existing, value] : response.headers) {
    if (existing.size() == name.size() && StartsWithIgnoringCase(existing, name)) return true;
  }
  return false;
}

void EncodeHeaders(const ShapeDef& shape, const Json& output, HttpResponseParts& response) {
  for (const auto& member : shape.members) {
    const Json* found = FindJsonMember(output, member.name);
    if (found == nullptr || found->is_null()) continue;
    const Json& value = *found;
    if (member.location == Location::kHeader) {
      response.headers.emplace_back(std::string(member.wire_name), HeaderText(value, member));
      if (const auto usual = UsualSpelling(member.wire_name); !usual.empty() && !HasHeader(response, usual)) {
        response.headers.emplace_back(std::string(usual), response.headers.back().second);
      }
    } else if (member.location == Location::kHeaders && value.is_object()) {
      for (const auto& [suffix, text] : value.items()) {
        response.headers.emplace_back(std::string(member.wire_name) + suffix,
                                      text.is_string() ? text.get<std::string>() : text.dump());
      }
    } else if (member.location == Location::kStatusCode && value.is_number_integer()) {
      response.status = value.get<int>();
    }
  }
}

void SetContentType(HttpResponseParts& response, std::string_view type) {
  if (!HasHeader(response, "Content-Type")) response.headers.emplace_back("Content-Type", std::string(type));
}

// Whether output sets any body member (outputs without a payload member).
bool SetsBodyMember(const ShapeDef& shape, const Json& output) {
  for (const auto& member : shape.members) {
    if (member.location != Location::kBody) continue;
    const Json* found = FindJsonMember(output, member.name);
    if (found != nullptr && !found->is_null()) return true;
  }
  return false;
}

}  // namespace

std::string_view HttpRequestView::RawPath() const {
  if (raw_target.empty()) return path;
  return raw_target.substr(0, raw_target.find('?'));
}

std::optional<Route> FindRoute(std::string_view method, std::string_view path, const QueryMap& query) {
  const auto http_method = ParseMethod(method);
  if (!http_method) return std::nullopt;
  const auto segments = SplitPath(path);
  for (const RouteTemplate* candidate : RouteTemplatesOf(*http_method)) {
    if (!candidate->SizeFits(segments.size())) continue;
    if (LiteralsMatch(candidate->segments, segments) && candidate->QueryMet(query)) {
      return BindLabels(*candidate, path, segments);
    }
  }
  return std::nullopt;
}

const ServiceDef& ServiceForPath(std::string_view path) {
  const auto segments = SplitPath(path);
  if (!segments.empty()) {
    const std::string first = DecodeSegment(segments.front());
    for (const auto& route : RouteTemplates()) {
      if (!route.segments.empty() && !IsLabel(route.segments.front()) && route.segments.front() == first) {
        return ServiceOf(*route.operation);
      }
    }
  }
  return Services().front();
}

Result<Json, ApiError> DecodeRequest(const Route& route, const HttpRequestView& request) {
  Json input = Json::object();
  const OperationDef& operation = *route.operation;
  if (operation.input == kNoShape) return input;
  const ServiceDef& service = ServiceOfRoute(route);
  const ShapeDef& shape = Shape(operation.input);
  // A body decoded (and found valid) before: its payload is copied, not decoded again.
  std::string_view kept_payload;
  for (const auto& member : shape.members) {
    if (member.location == Location::kBody) {
      if (member.name != shape.payload || request.body.empty()) continue;
      if (auto kept = DecodedPayloads::Shared().Find(operation.name, request.body)) {
        input[std::string(member.name)] = *kept;
        kept_payload = member.name;
        continue;
      }
      auto payload = DecodePayload(member, request.body, service);
      if (!payload) return payload;
      input[std::string(member.name)] = std::move(payload).value();
      continue;
    }
    auto value = ReadBound(member, route, request, service);
    if (!value) return value;
    if (!value->is_null()) input[std::string(member.name)] = std::move(value).value();
  }
  if (shape.payload.empty() && !request.body.empty() && HasBodyMembers(shape)) {
    const std::string_view root = operation.input_root.empty() ? shape.name : operation.input_root;
    auto body = DecodeStructureBody(request.body, root, operation.input, service);
    if (!body) return body;
    for (auto& [name, value] : body->items()) input[name] = std::move(value);
  }
  if (auto check = Validate(input, operation.input, "", kept_payload); !check) return Fail(std::move(check).error());
  if (kept_payload.empty() && !shape.payload.empty() && !request.body.empty()) {
    if (const auto payload = input.find(shape.payload); payload != input.end() && payload->is_object()) {
      DecodedPayloads::Shared().Keep(operation.name, request.body, *payload);
    }
  }
  return input;
}

HttpResponseParts EncodeResponse(const OperationDef& operation, const Json& output) {
  HttpResponseParts response;
  response.status = operation.success_status;
  if (operation.output == kNoShape) return response;
  const ServiceDef& service = ServiceOf(operation);
  const ShapeDef& shape = Shape(operation.output);
  EncodeHeaders(shape, output, response);
  if (!shape.payload.empty()) {
    const MemberDef* payload = FindMember(shape, shape.payload);
    const auto it = output.find(shape.payload);
    if (!payload || it == output.end() || it->is_null()) return response;
    const ShapeDef& payload_shape = Shape(payload->shape);
    if (payload_shape.type == ShapeType::kStructure) {
      if (IsJson(service)) {
        response.body = EncodeJson(*it, payload->shape);
        SetContentType(response, "application/json");
      } else {
        response.body = EncodeXml(*it, payload->wire_name, payload->shape);
        SetContentType(response, "text/xml");
      }
    } else if (payload_shape.type == ShapeType::kBlob && it->is_string()) {
      auto bytes = Base64Decode(it->get_ref<const std::string&>());
      response.body = bytes ? std::move(*bytes) : it->get<std::string>();
      SetContentType(response, "application/octet-stream");
    } else {
      response.body = it->is_string() ? it->get<std::string>() : it->dump();
      SetContentType(response, "application/octet-stream");
    }
  } else if (IsJson(service)) {
    response.body = EncodeJson(output, operation.output);
    SetContentType(response, "application/json");
  } else if (SetsBodyMember(shape, output)) {
    response.body = EncodeXml(output, shape.name, operation.output);
    SetContentType(response, "text/xml");
  }
  return response;
}

HttpResponseParts EncodeError(const ApiError& error, std::string_view request_id, ProtocolKind protocol) {
  if (protocol == ProtocolKind::kRestJson) {
    // botocore reads the code from x-amzn-ErrorType (else __type), the
    // message from "message" or "Message"; aws-sdk-js likewise.
    const Json body = {{"__type", error.code}, {"message", error.message}, {"Message", error.message}};
    return {error.status,
            {{"x-amzn-ErrorType", error.code}, {"Content-Type", "application/json"}},
            body.dump(-1, ' ', false, Json::error_handler_t::replace)};
  }
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
