// The /_emulator JSON control plane: health, reset, the clock, settling,
// run-time settings, "another actor" updates, fault rules, the request
// journal and state snapshots. This file routes; each job lives in its own
// file (fault_rules, request_journal, snapshot, touch, fixtures). No HTTP
// library here.
#pragma once

#include <chrono>
#include <functional>
#include <cstdint>
#include "emulator/common/json.h"
#include <string>
#include <string_view>
#include <vector>

#include "emulator/api/context.h"
#include "emulator/api/dispatcher.h"
#include "emulator/common/clock.h"
#include "emulator/control/fault_rules.h"
#include "emulator/control/json_input.h"
#include "emulator/control/request_journal.h"
#include "emulator/edge/edge.h"

namespace cfl::control {

struct ControlRequest {
  std::string_view method;
  std::string_view path;  // below /_emulator, e.g. "/health"
  std::string_view body;
  QueryMap query = {};
};

// Writes a body piece by piece to its argument, which returns false when the
// client is gone; returns false if it stopped early.
using BodyWriter = std::function<bool(const std::function<bool(std::string_view)>& write)>;

struct ControlResponse {
  int status = 200;
  cfl::Json body;
  // When set, the body (JSON text) is streamed from here instead: for answers
  // too large to build whole (GET /_emulator/state).
  BodyWriter stream = nullptr;
  // Set for an answer that is not JSON (the dashboard's files): text is sent
  // as is with this Content-Type, and headers beside it.
  std::string content_type = {};
  std::string text = {};
  std::vector<std::pair<std::string, std::string>> headers = {};
};

// What the control plane acts on. Everything must outlive it; clock must be
// the clock services.clock reads.
struct ControlDeps {
  api::Services& services;
  SystemClock& clock;
  FaultRules& faults;
  RequestJournal& journal;
  std::string default_account = {};  // the account of unsigned requests (--account-id)
  edge::Edge* edge = nullptr;        // null with --no-edge
  std::string edge_http = {};        // the edge listener's "host:port"
  std::string edge_https = {};       // the HTTPS edge listener's "host:port"
  // The generated CA's certificate (made on the first call; "" if OpenSSL
  // failed); null with --edge-cert or --no-edge.
  std::function<std::string()> edge_ca_pem = {};
};

// Thread-safe: Handle and RecordCall may run on any number of threads.
class ControlPlane {
 public:
  // Remembers services.settings as they are now: a full reset restores them.
  explicit ControlPlane(ControlDeps deps);

  ControlResponse Handle(const ControlRequest& request);

  // Keeps an API call in the journal (the HTTP edge calls this once per call).
  void RecordCall(const api::CallRecord& call);

  using Params = std::vector<std::string>;  // the {…} segments of the matched path
  using Action = ControlResponse (ControlPlane::*)(const ControlRequest&, const Params&);

 private:
  ControlResponse Health(const ControlRequest&, const Params&);
  ControlResponse Reset(const ControlRequest&, const Params&);
  ControlResponse GetClock(const ControlRequest&, const Params&);
  ControlResponse AdvanceClock(const ControlRequest&, const Params&);
  ControlResponse Settle(const ControlRequest&, const Params&);
  ControlResponse GetConfig(const ControlRequest&, const Params&);
  ControlResponse PatchConfig(const ControlRequest&, const Params&);
  ControlResponse Touch(const ControlRequest&, const Params&);
  ControlResponse AddFault(const ControlRequest&, const Params&);
  ControlResponse ListFaults(const ControlRequest&, const Params&);
  ControlResponse ClearFaults(const ControlRequest&, const Params&);
  ControlResponse RemoveFault(const ControlRequest&, const Params&);
  ControlResponse ListRequests(const ControlRequest&, const Params&);
  ControlResponse ClearRequests(const ControlRequest&, const Params&);
  ControlResponse ExportState(const ControlRequest&, const Params&);
  ControlResponse ImportState(const ControlRequest&, const Params&);
  // What the dashboard reads (resource_browser.h) and the dashboard itself.
  ControlResponse ListAccounts(const ControlRequest&, const Params&);
  ControlResponse BrowseResources(const ControlRequest&, const Params&);
  ControlResponse DescribeResource(const ControlRequest&, const Params&);
  // The edge (emulator/edge/): its cache and access logs.
  ControlResponse ClearEdgeCache(const ControlRequest&, const Params&);
  ControlResponse EdgeLogs(const ControlRequest&, const Params&);
  ControlResponse ClearEdgeLogs(const ControlRequest&, const Params&);
  ControlResponse EdgeCaPem(const ControlRequest&, const Params&);
  ControlResponse EdgeFunctionLogs(const ControlRequest&, const Params&);
  ControlResponse ClearEdgeFunctionLogs(const ControlRequest&, const Params&);
  ControlResponse EdgeViewer(const ControlRequest&, const Params&);
  ControlResponse SetEdgeViewer(const ControlRequest&, const Params&);
  ControlResponse EdgeTraffic(const ControlRequest&, const Params&);
  ControlResponse SetEdgeTraffic(const ControlRequest&, const Params&);
  ControlResponse DashboardPage(const ControlRequest&, const Params&);
  ControlResponse DashboardFile(const ControlRequest&, const Params&);

  struct Settings {
    std::int64_t propagation_delay_ms;
    std::int64_t invalidation_delay_ms;
    std::int64_t max_distributions;
    std::int64_t function_time_limit_ms;
    std::int64_t function_memory_limit_mb;
  };
  struct Endpoint {
    std::string_view method;
    std::string_view pattern;  // "{}" matches one path segment
    Action action;
  };
  static const std::vector<Endpoint>& Endpoints();

  std::int64_t NowMs() const;
  cfl::Json ClockJson() const;
  cfl::Json ConfigJson() const;
  cfl::Json EdgeJson() const;

  ControlDeps deps_;
  const Settings startup_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  // Which operations of each model have a handler (fixed at build time).
  const Json operations_;
};

}  // namespace cfl::control
