// Runs CloudFront Functions: the component TestFunction calls today and the
// edge's request path will call per request. A function is its source code,
// its runtime and the event it handles; it may read one KeyValueStore.
//
// An implementation must keep function code away from the machine (no file,
// process, network or environment of the emulator's host), bound each run in
// time and memory, and never block other callers: a run occupies only the
// calling thread, for at most about the time limit plus the runtime's start.
//
// Thread safety: Run may be called from any number of threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cfl::runtime {

enum class FunctionRuntime : std::uint8_t {
  kJs1,  // cloudfront-js-1.0: ES 5.1 in strict mode plus some ES6; no const/let/async/import
  kJs2,  // cloudfront-js-2.0: adds const/let, async/await, Buffer, import cf from 'cloudfront'
};

// What a function handles, which names its handler and what it must answer.
enum class FunctionKind : std::uint8_t {
  // A viewer-request or viewer-response function: handler(event) returns
  // the request or a response.
  kViewer,
  // A connection function (mTLS): connectionHandler(connection) decides by
  // calling connection.allow() or connection.deny(), the connection being
  // the event object with those two methods added.
  kConnection,
};

// "cloudfront-js-1.0" → kJs1, "cloudfront-js-2.0" → kJs2; false otherwise.
bool ParseRuntime(std::string_view name, FunctionRuntime& runtime);

// The data of the KeyValueStore associated with the function, as cf.kvs()
// reads it: a consistent view taken before the run.
struct KeyValueData {
  std::string id;  // the store's id (the UUID in its ARN)
  std::int64_t created_ms = 0;
  std::int64_t modified_ms = 0;
  std::vector<std::pair<std::string, std::string>> entries;  // key, value
};

struct Execution {
  std::string_view code;        // the function's source (UTF-8)
  FunctionRuntime runtime = FunctionRuntime::kJs1;
  std::string_view event_json;  // the event object, a JSON object (function_event.h builds it)
  const KeyValueData* store = nullptr;  // the associated store, or null
  FunctionKind kind = FunctionKind::kViewer;
};

struct Limits {
  // The handler's share of wall time: past it the run ends with the limit's
  // error, and ComputeUtilization is the share of it that was used.
  std::chrono::milliseconds time{50};
  // What the function may allocate beyond the runtime's own needs.
  std::int64_t memory_bytes = 16 << 20;
};

struct ExecutionResult {
  enum class Outcome : std::uint8_t {
    kOk,            // output holds the returned request or response
    kFunctionError, // the code did not compile, threw, or returned something that is not an event
                    // (a connection function: decided neither to allow nor to deny)
    kTimeLimit,     // the handler ran past Limits::time
    kMemoryLimit,   // the handler allocated past Limits::memory_bytes
    kRuntimeError,  // the runtime could not run at all (not installed, failed to start)
  };
  Outcome outcome = Outcome::kRuntimeError;
  // kOk, as JSON text: {"request": …} or {"response": …}; for a connection
  // function its decision, {"action": "allow"} or {"action": "deny"}.
  std::string output;
  std::vector<std::string> logs;  // each console.log line, at most 10 KB in all (as CloudFront truncates)
  std::string error;              // what went wrong, as FunctionErrorMessage shows it ("" when kOk)
  int compute_utilization = 0;    // 0–100: the share of Limits::time the handler used, rounded up
};

class FunctionExecutor {
 public:
  virtual ~FunctionExecutor() = default;
  // Runs the function on the event. Never throws; every failure is a result.
  virtual ExecutionResult Run(const Execution& execution, const Limits& limits) = 0;
};

}  // namespace cfl::runtime
