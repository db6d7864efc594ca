// The event object CloudFront hands a function (version 1.0): context,
// viewer, request and, for viewer-response, response; header, cookie and
// query names lowercase, each value {value} and repeats under multiValue.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/common/result.h"

namespace cfl::runtime {

// What CloudFront fills into context when the caller leaves it out.
struct EventContext {
  std::string distribution_domain_name = "d111111abcdef8.cloudfront.net";
  std::string distribution_id = "EDFDVBD6EXAMPLE";
  std::string request_id;
};

// An event a caller wrote (TestFunction's EventObject), completed as
// CloudFront completes it: version 1.0, the context's missing members, an
// event type from the members present (viewer-response when there is a
// response), empty headers/cookies/querystring, header names lowercased.
// Returns the JSON text, or why it is not an event.
Result<std::string, std::string> CompleteEvent(std::string_view json, const EventContext& context);

// A connection object a caller wrote (TestConnectionFunction's
// ConnectionObject), as connectionHandler receives it: the JSON object as
// written (CloudFront documents its members, e.g. clientIp and
// clientCertInfo, but leaves the test object's structure to the caller).
// Returns the JSON text, or why it is not a connection object.
Result<std::string, std::string> CompleteConnectionEvent(std::string_view json);

// A viewer request as the edge sees it, in the order it arrived.
struct ViewerRequest {
  std::string method;
  std::string uri;           // the path, without the query string (the edge passes it as sent)
  std::string query_string;  // as sent, without "?"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string viewer_ip;
};

// The viewer-request event of request (Cookie headers become cookies, not a header).
std::string ViewerRequestEvent(const ViewerRequest& request, const EventContext& context);

// The response a viewer-response function sees (its body is not given to functions).
struct ViewerResponseData {
  int status = 200;
  std::string status_description;  // "OK", ...
  std::vector<std::pair<std::string, std::string>> headers;
};

// The viewer-response event: the request as ViewerRequestEvent has it, and
// the response (Set-Cookie headers become response cookies {value, attributes}).
std::string ViewerResponseEvent(const ViewerRequest& request, const ViewerResponseData& response,
                                const EventContext& context);

}  // namespace cfl::runtime
