// How operations bind to HTTP messages, for both protocols of the models
// (rest-xml: CloudFront; rest-json: the KeyValueStore data plane): routing a
// method and path to an operation of either service, gathering its input from
// labels, query, headers and body, and spreading its output over status,
// headers and body. DecodeRequest, EncodeResponse and EncodeError choose the
// body codec by the operation's service (xml_codec.h, json_codec.h). No HTTP
// library here: requests and responses are plain values. Thread-safe.
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
  const QueryMap& query;  // names and values percent-decoded
  HeaderLookup header;
  std::string_view body;
  std::string_view raw_target = {};  // path and query exactly as sent, encoding untouched ("" when unknown)
  // Every value of a header, in the order sent (SigV4 signs repeats joined); null: use header.
  std::function<std::vector<std::string>(std::string_view name)> header_values = nullptr;
  // The names of all headers sent (for members bound to a header prefix); null: none.
  std::function<std::vector<std::string>()> header_names = nullptr;

  // The path as sent when known (labels may hold an encoded "/"), else path.
  std::string_view RawPath() const;
};

struct HttpResponseParts {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct Route {
  const OperationDef* operation = nullptr;
  std::map<std::string, std::string, std::less<>> labels;  // URI label → value, percent-decoded
};

// The most specific operation of any service whose method, path template and
// required query match; nullopt when none does. path may be percent-encoded
// (HttpRequestView::RawPath): it is split on "/" first, then each segment is
// decoded, so "arn%3Aaws%3A...%2F..." is one label.
std::optional<Route> FindRoute(std::string_view method, std::string_view path, const QueryMap& query);

// The service a path belongs to, for answering a request no route matches in
// that service's error format: the one whose operations' paths start with the
// path's first segment; CloudFront when none does.
const ServiceDef& ServiceForPath(std::string_view path);

// Gathers the operation's input as a JSON object keyed by member name, decodes
// its body (a payload member or, without one, the body members) and validates
// all of it against the model (validate.h). Errors are in the service's terms:
// MalformedInput / MalformedXML (rest-xml), SerializationException /
// ValidationException (rest-json).
Result<Json, ApiError> DecodeRequest(const Route& route, const HttpRequestView& request);

// Spreads output (a JSON object keyed by member name) over the response.
// Header members are written in the model's spelling; where the model
// misspells a header (UpdateFunction's "ETtag") the usual one is sent too.
HttpResponseParts EncodeResponse(const OperationDef& operation, const Json& output);

// The service's error document for error: CloudFront's <ErrorResponse>
// (rest-xml) or x-amzn-ErrorType with a JSON body (rest-json).
HttpResponseParts EncodeError(const ApiError& error, std::string_view request_id,
                              ProtocolKind protocol = ProtocolKind::kRestXml);

}  // namespace cfl::model
