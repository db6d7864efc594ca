// How operations bind to HTTP messages (rest-xml): routing a method and path
// to an operation, gathering its input from labels, query, headers and body,
// and spreading its output over status, headers and body. No HTTP library
// here: requests and responses are plain values.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "emulator/codec/xml_codec.h"

namespace cfl::model {

using QueryMap = std::multimap<std::string, std::string>;
// Returns the header's value, or nullopt when absent. Names are case-insensitive.
using HeaderLookup = std::function<std::optional<std::string>(std::string_view name)>;

struct HttpRequestView {
  std::string_view method;
  std::string_view path;  // percent-decoded, without the query string
  const QueryMap& query;
  HeaderLookup header;
  std::string_view body;
  std::string_view raw_target = {};  // path and query exactly as sent, encoding untouched ("" when unknown)
  // Every value of a header, in the order sent (SigV4 signs repeats joined); null: use header.
  std::function<std::vector<std::string>(std::string_view name)> header_values = nullptr;
};

struct HttpResponseParts {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct Route {
  const OperationDef* operation = nullptr;
  std::map<std::string, std::string, std::less<>> labels;  // URI label → value
};

// The most specific operation whose method, path template and required query
// match; nullopt when none does.
std::optional<Route> FindRoute(std::string_view method, std::string_view path, const QueryMap& query);

// Gathers the operation's input as a JSON object keyed by member name. An
// absent required payload is MissingBody; the payload is decoded and validated.
Result<Json, ApiError> DecodeRequest(const Route& route, const HttpRequestView& request);

// Spreads output (a JSON object keyed by member name) over the response.
HttpResponseParts EncodeResponse(const OperationDef& operation, const Json& output);

// CloudFront's <ErrorResponse> document for error.
HttpResponseParts EncodeError(const ApiError& error, std::string_view request_id);

}  // namespace cfl::model
