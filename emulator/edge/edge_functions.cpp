#include "emulator/edge/edge_functions.h"

#include <algorithm>
#include <cctype>

#include "emulator/codec/wire_text.h"
#include "emulator/edge/error_pages.h"
#include "emulator/engine/family.h"
#include "emulator/families/functions/function_stages.h"
#include "emulator/runtime/function_event.h"

namespace cfl::edge {
namespace {

using Json = cfl::Json;

// The most a function-generated response may carry (CloudFront: 40 KB).
constexpr std::size_t kMaxGeneratedBody = 40 * 1024;

std::string Lowercase(std::string_view text) {
  std::string lowered(text);
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lowered;
}

bool OneOf(std::string_view lowered, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), lowered) != names.end();
}

// Headers a viewer-request function cannot change (CloudFront's read-only
// headers of the request, and what describes the connection).
bool ReadOnlyRequestHeader(std::string_view lowered) {
  return OneOf(lowered, {"host", "content-length", "transfer-encoding", "via", "connection", "upgrade"});
}

// Headers a viewer-response function cannot change.
bool ReadOnlyResponseHeader(std::string_view lowered) {
  return OneOf(lowered, {"content-length", "content-encoding", "transfer-encoding", "warning", "via", "connection",
                         "upgrade"});
}

bool Unreserved(unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

std::string PercentEncoded(std::string_view text, bool (*keep)(unsigned char)) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (keep(byte)) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

// A uri as a request target's path: what cannot stand in one is encoded
// (the function may return an already encoded uri: '%' stays).
bool PathCharacter(unsigned char c) { return c > 0x20 && c < 0x7f && c != '?' && c != '#'; }

// The values of a {value, multiValue} entry, in order.
Result<std::vector<std::string>, std::string> ValuesOf(const Json& entry, const std::string& what) {
  std::vector<std::string> values;
  if (!entry.is_object()) return Fail(what + " must be an object with a value");
  if (const auto multi = entry.find("multiValue"); multi != entry.end() && multi->is_array()) {
    for (const auto& item : *multi) {
      if (!item.is_object() || !item.contains("value") || !item["value"].is_string()) {
        return Fail(what + ": each multiValue item must be an object with a string value");
      }
      values.push_back(item["value"].get<std::string>());
    }
    return values;
  }
  const auto value = entry.find("value");
  if (value == entry.end() || !value->is_string()) return Fail(what + " must have a string value");
  values.push_back(value->get<std::string>());
  return values;
}

const Json& ObjectMember(const Json& object, const char* name) {
  static const Json empty = Json::object();
  const auto found = object.find(name);
  return found != object.end() && found->is_object() ? *found : empty;
}

Result<Ok, std::string> AddHeaders(const Json& headers, bool (*read_only)(std::string_view), Headers& out) {
  for (const auto& [name, entry] : headers.items()) {
    auto values = ValuesOf(entry, "header " + name);
    if (!values) return Fail(std::move(values).error());
    if (read_only(Lowercase(name))) continue;
    for (auto& value : values.value()) out.emplace_back(name, std::move(value));
  }
  return Ok{};
}

// Response cookies as Set-Cookie values: name=value; attributes.
Result<Ok, std::string> AddSetCookies(const Json& cookies, Headers& out) {
  for (const auto& [name, entry] : cookies.items()) {
    if (!entry.is_object()) return Fail("cookie " + name + " must be an object with a value");
    const Json items = entry.contains("multiValue") && entry["multiValue"].is_array() ? entry["multiValue"]
                                                                                    : Json::array({entry});
    for (const auto& item : items) {
      if (!item.is_object() || !item.contains("value") || !item["value"].is_string()) {
        return Fail("cookie " + name + " must have a string value");
      }
      std::string line = name + "=" + item["value"].get<std::string>();
      if (const auto attributes = item.find("attributes"); attributes != item.end() && attributes->is_string() &&
                                                           !attributes->get<std::string>().empty()) {
        line += "; " + attributes->get<std::string>();
      }
      out.emplace_back("set-cookie", std::move(line));
    }
  }
  return Ok{};
}

std::string StatusText(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

void SetXCache(Headers& headers, std::string_view result) {
  std::erase_if(headers, [](const auto& header) { return Lowercase(header.first) == "x-cache"; });
  headers.emplace_back("X-Cache", std::string(result) + " from cloudfront");
}

}  // namespace

std::string QueryStringOf(const Json& querystring) {
  std::string query;
  if (!querystring.is_object()) return query;
  for (const auto& [name, entry] : querystring.items()) {
    auto values = ValuesOf(entry, "query parameter " + name);
    if (!values) continue;  // checked by RequestFromFunction
    for (const auto& value : values.value()) {
      if (!query.empty()) query += '&';
      query += PercentEncoded(name, Unreserved);
      query += '=';
      query += PercentEncoded(value, Unreserved);
    }
  }
  return query;
}

std::string FunctionNameOf(std::string_view arn) {
  constexpr std::string_view kMarker = ":function/";
  if (!arn.starts_with("arn:")) return "";
  const auto marker = arn.find(kMarker);
  if (marker == std::string_view::npos) return "";
  return std::string(arn.substr(marker + kMarker.size()));
}

Result<RewrittenRequest, std::string> RequestFromFunction(const Json& returned, const Headers& original) {
  if (!returned.is_object()) return Fail(std::string("The function did not return a request object"));
  const auto uri = returned.find("uri");
  if (uri == returned.end() || !uri->is_string() || !uri->get<std::string>().starts_with('/')) {
    return Fail(std::string("The request's uri must be a string starting with /"));
  }
  RewrittenRequest rewritten;
  rewritten.path = PercentEncoded(uri->get<std::string>(), PathCharacter);
  const Json& querystring = ObjectMember(returned, "querystring");
  for (const auto& [name, entry] : querystring.items()) {
    if (auto values = ValuesOf(entry, "query parameter " + name); !values) return Fail(std::move(values).error());
  }
  rewritten.query = QueryStringOf(querystring);
  for (const auto& [name, value] : original) {
    if (ReadOnlyRequestHeader(Lowercase(name))) rewritten.headers.emplace_back(name, value);
  }
  if (auto added = AddHeaders(ObjectMember(returned, "headers"), ReadOnlyRequestHeader, rewritten.headers); !added) {
    return Fail(std::move(added).error());
  }
  std::string cookie;
  for (const auto& [name, entry] : ObjectMember(returned, "cookies").items()) {
    auto values = ValuesOf(entry, "cookie " + name);
    if (!values) return Fail(std::move(values).error());
    for (const auto& value : values.value()) cookie += (cookie.empty() ? "" : "; ") + name + "=" + value;
  }
  // The cookies object is the request's cookies: a cookie header the function kept is replaced by it.
  std::erase_if(rewritten.headers, [](const auto& header) { return Lowercase(header.first) == "cookie"; });
  if (!cookie.empty()) rewritten.headers.emplace_back("cookie", std::move(cookie));
  return rewritten;
}

Result<ViewerResponse, std::string> ResponseFromFunction(const Json& returned) {
  if (!returned.is_object()) return Fail(std::string("The function did not return a response object"));
  const auto status = returned.find("statusCode");
  if (status == returned.end() || !status->is_number_integer() || *status < 100 || *status > 599) {
    return Fail(std::string("The response's statusCode must be an integer from 100 to 599"));
  }
  ViewerResponse response;
  response.status = status->get<int>();
  if (auto added = AddHeaders(ObjectMember(returned, "headers"), ReadOnlyResponseHeader, response.headers); !added) {
    return Fail(std::move(added).error());
  }
  if (auto added = AddSetCookies(ObjectMember(returned, "cookies"), response.headers); !added) {
    return Fail(std::move(added).error());
  }
  if (const auto body = returned.find("body"); body != returned.end() && !body->is_null()) {
    if (body->is_string()) {
      response.body = body->get<std::string>();
    } else if (body->is_object() && body->contains("data") && (*body)["data"].is_string()) {
      const std::string encoding = body->value("encoding", "text");
      const std::string data = (*body)["data"].get<std::string>();
      if (encoding == "base64") {
        auto decoded = model::Base64Decode(data);
        if (!decoded) return Fail(std::string("The response body's data is not valid base64"));
        response.body = std::move(*decoded);
      } else if (encoding == "text") {
        response.body = data;
      } else {
        return Fail("The response body's encoding must be text or base64, not " + encoding);
      }
    } else {
      return Fail(std::string("The response body must be a string or an object with data and encoding"));
    }
  }
  if (response.body.size() > kMaxGeneratedBody) {
    return Fail("The response body is " + std::to_string(response.body.size()) +
                " bytes; a function can generate at most 40 KB");
  }
  return response;
}

Result<Ok, std::string> ApplyFunctionResponse(const Json& returned, ViewerResponse& response) {
  if (!returned.is_object()) return Fail(std::string("The function did not return a response object"));
  const auto status = returned.find("statusCode");
  if (status == returned.end() || !status->is_number_integer() || *status < 100 || *status > 599) {
    return Fail(std::string("The response's statusCode must be an integer from 100 to 599"));
  }
  Headers headers;
  for (const auto& [name, value] : response.headers) {
    if (ReadOnlyResponseHeader(Lowercase(name))) headers.emplace_back(name, value);
  }
  if (auto added = AddHeaders(ObjectMember(returned, "headers"), ReadOnlyResponseHeader, headers); !added) {
    return Fail(std::move(added).error());
  }
  if (auto added = AddSetCookies(ObjectMember(returned, "cookies"), headers); !added) {
    return Fail(std::move(added).error());
  }
  response.status = status->get<int>();
  response.headers = std::move(headers);
  return Ok{};
}

std::string AssociatedFunction(const Json& behavior, std::string_view event_type) {
  const auto associations = behavior.find("FunctionAssociations");
  if (associations == behavior.end() || !associations->is_object()) return "";
  const auto items = associations->find("Items");
  if (items == associations->end() || !items->is_array()) return "";
  for (const auto& item : *items) {
    if (item.is_object() && item.value("EventType", "") == event_type) return item.value("FunctionARN", "");
  }
  return "";
}

void AddLambdaSkipped(const Json& behavior, Headers& headers) {
  const auto associations = behavior.find("LambdaFunctionAssociations");
  if (associations == behavior.end() || !associations->is_object()) return;
  const auto items = associations->find("Items");
  if (items == associations->end() || !items->is_array()) return;
  for (const auto& item : *items) {
    if (!item.is_object()) continue;
    headers.emplace_back("X-Cfl-Lambda-Skipped",
                         item.value("EventType", "") + "=" + item.value("LambdaFunctionARN", ""));
  }
}

void FunctionLogs::Record(FunctionLogEntry entry) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mutex_);
  entries_.push_back(std::move(entry));
  while (entries_.size() > capacity_) entries_.pop_front();
}

std::vector<FunctionLogEntry> FunctionLogs::Recent(std::string_view distribution_id, std::string_view function_name,
                                                   std::size_t limit) const {
  std::vector<FunctionLogEntry> recent;
  std::lock_guard lock(mutex_);
  for (auto entry = entries_.rbegin(); entry != entries_.rend() && recent.size() < limit; ++entry) {
    if (!distribution_id.empty() && entry->distribution_id != distribution_id) continue;
    if (!function_name.empty() && entry->function_name != function_name) continue;
    recent.push_back(*entry);
  }
  return recent;
}

void FunctionLogs::Clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

Json FunctionLogJson(const FunctionLogEntry& entry) {
  return {{"time", entry.time_ms},
          {"distribution", entry.distribution_id},
          {"function", entry.function_name},
          {"eventType", entry.event_type},
          {"requestId", entry.request_id},
          {"logs", entry.lines},
          {"error", entry.error},
          {"computeUtilization", entry.compute_utilization}};
}

// One run: its output (the returned request or response), or why it failed.
struct EdgeFunctions::Ran {
  std::optional<Json> output;
  std::string error;
  bool throttled = false;  // the time limit, not the code, ended it
  FunctionLogEntry log;    // recorded by the caller, once it knows whether the output is usable
};

EdgeFunctions::EdgeFunctions(api::Services& services, std::size_t log_capacity)
    : services_(services), logs_(log_capacity) {}

EdgeFunctions::Ran EdgeFunctions::Run(const FunctionCall& call, const std::string& arn, std::string_view event_type,
                                      const std::string& event_json) {
  FunctionLogEntry entry{call.now_ms, std::string(call.distribution_id), FunctionNameOf(arn), std::string(event_type),
                         std::string(call.request_id), {}, {}, 0};
  Ran ran;
  const auto record = entry.function_name.empty()
                          ? std::nullopt
                          : services_.store.Get(call.account, engine::LiveKind("function"), entry.function_name);
  const Json function = record ? Json::parse(record->document, nullptr, false) : Json();
  if (!function.is_object()) {
    ran.error = "The function " + arn + " has no LIVE stage.";
  } else {
    const api::RequestContext ctx{services_, std::string(call.account), std::string(call.request_id), call.now_ms};
    const std::string code_base64 = engine::StringMember(function, "FunctionCode");  // outlives run's view of it
    const families::FunctionRun run{.function_config = engine::MemberOf(function, "FunctionConfig"),
                                    .code_base64 = code_base64,
                                    .event_json = event_json};
    auto result = families::RunFunction(ctx, run, errors::TestFunctionFailed);
    if (!result) {
      ran.error = result.error().message;
    } else {
      entry.lines = std::move(result.value().logs);
      entry.compute_utilization = result.value().compute_utilization;
      ran.throttled = result.value().outcome == runtime::ExecutionResult::Outcome::kTimeLimit;
      if (result.value().outcome == runtime::ExecutionResult::Outcome::kOk) {
        Json output = Json::parse(result.value().output, nullptr, false);
        if (output.is_object()) {
          ran.output = std::move(output);
        } else {
          ran.error = "The function's output could not be read.";
        }
      } else {
        ran.error = std::move(result.value().error);
      }
    }
  }
  entry.error = ran.error;
  ran.log = std::move(entry);
  return ran;
}

namespace {

FunctionStep Failed(const FunctionCall& call, bool throttled) {
  FunctionStep step;
  step.kind = FunctionStep::Kind::kFailed;
  step.detailed_result_type = std::string(throttled ? kFunctionThrottledError : kFunctionExecutionError);
  step.response = ErrorPage(503, kFunctionErrorText, std::string(call.request_id));
  SetXCache(step.response->headers, step.detailed_result_type);
  return step;
}

runtime::EventContext ContextOf(const FunctionCall& call) {
  return {std::string(call.distribution_domain), std::string(call.distribution_id), std::string(call.request_id)};
}

runtime::ViewerRequest EventRequestOf(const ViewerRequest& request, const std::string& path,
                                      const std::string& query) {
  return {request.method, path, query, request.headers, request.client_ip};
}

}  // namespace

FunctionStep EdgeFunctions::FailedRun(Ran& ran, const FunctionCall& call, std::string error, bool throttled) {
  ran.log.error = std::move(error);
  logs_.Record(std::move(ran.log));
  return Failed(call, throttled);
}

FunctionStep EdgeFunctions::OnViewerRequest(const Json& behavior, const FunctionCall& call,
                                            const ViewerRequest& request, const std::string& path,
                                            const std::string& query) {
  const std::string arn = AssociatedFunction(behavior, "viewer-request");
  if (arn.empty()) return {};
  const std::string event = runtime::ViewerRequestEvent(EventRequestOf(request, path, query), ContextOf(call));
  Ran ran = Run(call, arn, "viewer-request", event);
  const auto failed = [&](std::string error, bool throttled) { return FailedRun(ran, call, std::move(error), throttled); };
  if (!ran.output) return failed(ran.error, ran.throttled);
  FunctionStep step;
  if (const auto response = ran.output->find("response"); response != ran.output->end()) {
    auto generated = ResponseFromFunction(*response);
    if (!generated) return failed(std::move(generated).error(), false);
    step.kind = FunctionStep::Kind::kGenerated;
    step.detailed_result_type = std::string(kFunctionGeneratedResponse);
    step.response = std::move(generated).value();
    step.response->headers.emplace_back("Server", "CloudFront");
    SetXCache(step.response->headers, kFunctionGeneratedResponse);
  } else {
    auto rewritten = RequestFromFunction(ran.output->value("request", Json()), request.headers);
    if (!rewritten) return failed(std::move(rewritten).error(), false);
    step.kind = FunctionStep::Kind::kContinue;
    step.request = std::move(rewritten).value();
  }
  logs_.Record(std::move(ran.log));
  return step;
}

FunctionStep EdgeFunctions::OnViewerResponse(const Json& behavior, const FunctionCall& call,
                                             const ViewerRequest& request, const std::string& path,
                                             const std::string& query, ViewerResponse& response) {
  const std::string arn = AssociatedFunction(behavior, "viewer-response");
  if (arn.empty()) return {};
  const runtime::ViewerResponseData data{response.status, StatusText(response.status), response.headers};
  const std::string event =
      runtime::ViewerResponseEvent(EventRequestOf(request, path, query), data, ContextOf(call));
  Ran ran = Run(call, arn, "viewer-response", event);
  const auto failed = [&](std::string error, bool throttled) { return FailedRun(ran, call, std::move(error), throttled); };
  if (!ran.output) return failed(ran.error, ran.throttled);
  const auto returned = ran.output->find("response");
  if (returned == ran.output->end()) return failed("A viewer-response function must return a response", false);
  if (auto applied = ApplyFunctionResponse(*returned, response); !applied) {
    return failed(std::move(applied).error(), false);
  }
  logs_.Record(std::move(ran.log));
  FunctionStep step;
  step.kind = FunctionStep::Kind::kContinue;
  return step;
}

}  // namespace cfl::edge
