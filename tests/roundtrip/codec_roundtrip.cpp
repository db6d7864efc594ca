// codec_roundtrip: our codec on one side of botocore's, for
// tests/e2e/test_codec_roundtrip.py. Reads one JSON request per line on
// stdin, writes one JSON answer per line on stdout:
//
//   {"kind": "decode", "method": "PUT", "target": "/2020-05-31/...?a=b",
//    "headers": {"If-Match": "E1"}, "body": "<base64>"}
//     → {"operation": "cloudfront:UpdateDistribution", "input": {...}}
//       or {"operation": ..., "error": {"code": ..., "message": ...}}
//     (routed by FindRoute, decoded and validated by DecodeRequest, as the
//     dispatcher does)
//   {"kind": "encode", "service": "cloudfront", "operation": "GetDistribution",
//    "output": {...}}
//     → {"status": 200, "headers": [["ETag", "E1"], ...], "body": "<base64>"}
//   {"kind": "error", "service": "cloudfront", "code": "NoSuchDistribution", "message": "m"}
//     → the same shape as encode, from EncodeError
//
// Values are the codec's (xml_codec.h): timestamps ISO 8601, blobs base64.
#include <iostream>
#include "emulator/common/json.h"
#include <string>

#include "emulator/codec/rest_binding.h"
#include "emulator/codec/wire_text.h"

namespace {

using cfl::model::Json;
namespace model = cfl::model;

// "a=1&b=x%20y" → decoded pairs, as cpp-httplib hands the query to the dispatcher.
model::QueryMap ParseQuery(std::string_view query) {
  model::QueryMap map;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    std::string key(pair.substr(0, equals)), value(equals == std::string_view::npos ? "" : pair.substr(equals + 1));
    for (auto* text : {&key, &value}) {
      for (auto& c : *text) c = c == '+' ? ' ' : c;
      if (auto decoded = model::PercentDecode(*text)) *text = std::move(*decoded);
    }
    map.emplace(std::move(key), std::move(value));
  }
  return map;
}

std::string QualifiedName(const model::OperationDef& operation) {
  return std::string(model::ServiceOf(operation).name) + ":" + std::string(operation.name);
}

Json Decode(const Json& request) {
  const std::string target = request.at("target");
  const std::string method = request.at("method");
  const auto question = target.find('?');
  const std::string raw_path = target.substr(0, question);
  const auto query = ParseQuery(question == std::string::npos ? "" : std::string_view(target).substr(question + 1));
  const Json headers = request.value("headers", Json::object());
  const std::string body = model::Base64Decode(request.value("body", "")).value_or("");
  const auto route = model::FindRoute(method, raw_path, query);
  if (!route) return {{"operation", nullptr}, {"error", {{"code", "NoRoute"}, {"message", target}}}};
  const auto decoded_path = model::PercentDecode(raw_path).value_or(raw_path);
  const model::HttpRequestView view{
      method, decoded_path, query,
      [&headers](std::string_view name) -> std::optional<std::string> {
        for (const auto& [key, value] : headers.items()) {
          if (key.size() == name.size() &&
              std::equal(key.begin(), key.end(), name.begin(),
                         [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
            return value.get<std::string>();
          }
        }
        return std::nullopt;
      },
      body, target, nullptr,
      [&headers] {
        std::vector<std::string> names;
        for (const auto& [key, value] : headers.items()) names.push_back(key);
        return names;
      }};
  auto input = model::DecodeRequest(*route, view);
  Json answer = {{"operation", QualifiedName(*route->operation)}};
  if (input) {
    answer["input"] = std::move(input).value();
  } else {
    answer["error"] = {{"code", input.error().code}, {"message", input.error().message}};
  }
  return answer;
}

Json Answer(const model::HttpResponseParts& response) {
  Json headers = Json::array();
  for (const auto& [name, value] : response.headers) headers.push_back({name, value});
  return {{"status", response.status}, {"headers", headers}, {"body", model::Base64Encode(response.body)}};
}

Json Encode(const Json& request) {
  const auto* service = model::FindService(request.at("service").get<std::string>());
  if (!service) return {{"error", "unknown service"}};
  const auto* operation = model::FindOperation(*service, request.at("operation").get<std::string>());
  if (!operation) return {{"error", "unknown operation"}};
  return Answer(model::EncodeResponse(*operation, request.at("output")));
}

Json EncodeError(const Json& request) {
  const auto* service = model::FindService(request.at("service").get<std::string>());
  if (!service) return {{"error", "unknown service"}};
  const auto error = cfl::MakeError(request.at("code").get<std::string>(), request.at("message").get<std::string>());
  return Answer(model::EncodeError(error, "request-1", service->protocol));
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    Json answer;
    try {
      const Json request = Json::parse(line);
      const std::string kind = request.at("kind");
      answer = kind == "decode" ? Decode(request) : kind == "encode" ? Encode(request) : EncodeError(request);
    } catch (const std::exception& error) {
      answer = {{"error", std::string("driver: ") + error.what()}};
    }
    std::cout << answer.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n' << std::flush;
  }
  return 0;
}
