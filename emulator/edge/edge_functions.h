// CloudFront Functions on the edge's request path: the LIVE stage of a cache
// behavior's viewer-request function runs before the cache lookup (it may
// rewrite the request or answer itself), its viewer-response function on the
// answer before it leaves (status, headers and cookies; not the body). Runs
// go through the same executor and key value store loading as TestFunction
// (families/functions/function_stages.h), on the runtime settings' limits.
// Each run's console.log lines are kept in a bounded ring (FunctionLogs).
//
// Which code runs: the LIVE stage as it is in the store when the request
// arrives (a PublishFunction takes effect at once); which functions run: the
// associations of the distribution's last deployed config (the edge's).
//
// Thread-safe: every member may be called from any number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/common/json.h"

#include "emulator/api/context.h"
#include "emulator/common/result.h"
#include "emulator/edge/edge_types.h"

namespace cfl::edge {

// --- The pure part: what a function returned, applied to the request or response.

// The request a viewer-request function returned, as the edge continues with it.
struct RewrittenRequest {
  std::string path;   // the returned uri
  std::string query;  // the returned querystring, encoded ("" when none)
  Headers headers;    // the returned headers (multiValue repeated), then one Cookie of the returned cookies
};

// The returned request object ({uri, querystring, headers, cookies}) as the
// edge goes on with it; headers the function may not change (host,
// content-length, transfer-encoding, via) keep the viewer's values. An error
// says what is wrong with it.
Result<RewrittenRequest, std::string> RequestFromFunction(const cfl::Json& returned, const Headers& original);

// A response a viewer-request function generated ({statusCode,
// statusDescription, headers, cookies, body}; body a string or {data,
// encoding: "text" | "base64"}), as the viewer gets it.
Result<ViewerResponse, std::string> ResponseFromFunction(const cfl::Json& returned);

// A viewer-response function's returned response applied to the answer:
// its status, headers and cookies replace the answer's; the body stays.
Result<Ok, std::string> ApplyFunctionResponse(const cfl::Json& returned, ViewerResponse& response);

// A query string from a querystring object ({name: {value, multiValue}}), percent-encoded.
std::string QueryStringOf(const cfl::Json& querystring);

// The function name of a function ARN (arn:aws:cloudfront::ACCOUNT:function/NAME), "" when it is not one.
std::string FunctionNameOf(std::string_view arn);

// --- Execution logs: the ring GET /_emulator/edge/function-logs reads.

struct FunctionLogEntry {
  std::int64_t time_ms = 0;
  std::string distribution_id;
  std::string function_name;
  std::string event_type;  // viewer-request, viewer-response
  std::string request_id;  // the X-Amz-Cf-Id of the request
  std::vector<std::string> lines;  // console.log lines
  std::string error;               // "" when the run succeeded
  int compute_utilization = 0;
};

class FunctionLogs {
 public:
  explicit FunctionLogs(std::size_t capacity) : capacity_(capacity) {}
  void Record(FunctionLogEntry entry);
  // Newest first; of one distribution / function when given (""), at most limit.
  std::vector<FunctionLogEntry> Recent(std::string_view distribution_id, std::string_view function_name,
                                       std::size_t limit) const;
  void Clear();

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<FunctionLogEntry> entries_;  // oldest first
};

cfl::Json FunctionLogJson(const FunctionLogEntry& entry);

// --- Running the associations.

// Which request a function runs for (the event's context and viewer). Views
// into the caller's strings (the edge's per-request facts), valid for the call:
// a request with no function pays for no copies.
struct FunctionCall {
  std::string_view account;  // the distribution's owner
  std::string_view distribution_id;
  std::string_view distribution_domain;
  std::string_view request_id;
  std::int64_t now_ms = 0;
};

// What the edge does after a function.
struct FunctionStep {
  enum class Kind : std::uint8_t {
    kNone,       // no function of that event type: go on as before
    kContinue,   // the request was rewritten (request) or the response changed (in place)
    kGenerated,  // a viewer-request function answered itself (response)
    kFailed,     // the function threw, returned something invalid or broke a limit (response: the 503)
  };
  Kind kind = Kind::kNone;
  std::optional<RewrittenRequest> request;
  std::optional<ViewerResponse> response;
  std::string detailed_result_type;  // FunctionGeneratedResponse, FunctionExecutionError, FunctionThrottledError
};

// X-Cache / log result of a failed run.
inline constexpr std::string_view kFunctionExecutionError = "FunctionExecutionError";
inline constexpr std::string_view kFunctionThrottledError = "FunctionThrottledError";
inline constexpr std::string_view kFunctionGeneratedResponse = "FunctionGeneratedResponse";
inline constexpr std::string_view kFunctionErrorText =
    "The CloudFront function associated with the CloudFront distribution is invalid or could not run.\nWe can't "
    "connect to the server for this app or website at this time. There might be too much traffic or a "
    "configuration error. Try again later, or contact the app or website owner.";

// Lambda@Edge is not executed: each of behavior's LambdaFunctionAssociations
// items adds "X-Cfl-Lambda-Skipped: EVENT-TYPE=ARN" to headers, so a test notices.
void AddLambdaSkipped(const cfl::Json& behavior, Headers& headers);

// The ARN of behavior's FunctionAssociations item for event_type, "" when none.
std::string AssociatedFunction(const cfl::Json& behavior, std::string_view event_type);

class EdgeFunctions {
 public:
  // services: the store, clock-free settings (limits) and executor TestFunction uses.
  EdgeFunctions(api::Services& services, std::size_t log_capacity);

  // Runs behavior's viewer-request function on the request (path and query
  // as the distribution sees them).
  FunctionStep OnViewerRequest(const cfl::Json& behavior, const FunctionCall& call, const ViewerRequest& request,
                               const std::string& path, const std::string& query);
  // Runs behavior's viewer-response function on response (changed in place
  // on kContinue); request is what reached the cache (after a rewrite).
  FunctionStep OnViewerResponse(const cfl::Json& behavior, const FunctionCall& call,
                                const ViewerRequest& request, const std::string& path, const std::string& query,
                                ViewerResponse& response);

  FunctionLogs& logs() { return logs_; }

 private:
  struct Ran;
  Ran Run(const FunctionCall& call, const std::string& arn, std::string_view event_type,
          const std::string& event_json);
  // Records the failed run (with why) and answers CloudFront's 503.
  FunctionStep FailedRun(Ran& ran, const FunctionCall& call, std::string error, bool throttled);

  api::Services& services_;
  FunctionLogs logs_;
};

}  // namespace cfl::edge
