// What a handler knows about the request it serves, and the services it may
// use. Handlers never see HTTP.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "emulator/common/clock.h"
#include "store/store.h"

namespace cfl::runtime {
class FunctionExecutor;
}

namespace cfl::api {

// Settings that may change while the emulator runs (flags, control plane).
struct RuntimeSettings {
  std::atomic<std::int64_t> propagation_delay_ms{0};
  std::atomic<std::int64_t> invalidation_delay_ms{0};
  std::atomic<std::int64_t> max_distributions{500};
  // Each run of a CloudFront function (runtime/function_executor.h Limits).
  std::atomic<std::int64_t> function_time_limit_ms{50};
  std::atomic<std::int64_t> function_memory_limit_mb{16};
};

struct Services {
  store::Store& store;
  const Clock& clock;
  RuntimeSettings& settings;
  // Runs CloudFront functions (TestFunction); null: none can run.
  runtime::FunctionExecutor* functions = nullptr;
  // --s3-dir: the directory that stands for S3 (the object s3://BUCKET/KEY is
  // DIR/BUCKET/KEY), for what the service reads from S3 (trust stores' CA
  // bundles); "" = none. Set before the first request, never changed.
  std::string s3_dir = {};
};

struct RequestContext {
  Services& services;
  std::string account;     // the caller's 12-digit account id
  std::string request_id;
  std::int64_t now_ms = 0; // one "now" per request: every timestamp it writes agrees
};

}  // namespace cfl::api
