// The API pipeline for one request, without HTTP, for every service of the
// models (CloudFront and the KeyValueStore data plane share the port):
// account → request id → route → signature → decode → fault hook → handler →
// encode (or error, in the format of the routed service).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/api/context.h"
#include "emulator/engine/handler.h"
#include "emulator/codec/rest_binding.h"

namespace cfl::api {

namespace sigv4 {
class SignatureVerifier;
}

// What happened to one API call: for the log line and the request journal.
struct CallRecord {
  std::string request_id;
  std::string account;
  std::string operation;   // "" when no operation matched
  std::string error_code;  // "" on success
  std::string if_match;    // as sent
  std::string etag;        // as answered
  int status = 0;
  std::string method;
  std::string path;
  std::int64_t time_ms = 0;   // the emulator's clock when the call arrived
  double duration_ms = 0;     // time spent in the pipeline, injected delays included
  std::string fault_rule;     // the fault rule that answered or delayed the call, "" if none
  std::uint64_t sequence = 0; // 1, 2, ... in the order the journal kept calls; 0 until kept
};

// The request as a fault rule sees it.
struct FaultQuery {
  std::string_view operation;
  std::string_view account;
  // The ids the request names: members called Id or ending in Id
  // (DistributionId, TargetDistributionId, ...) and the id of a Resource ARN.
  std::vector<std::string> resource_ids;
};

// What a matching fault rule does to the request: wait, then answer error
// instead of running the handler (or, without error, serve it normally).
struct FaultAction {
  std::string rule_id;
  std::chrono::milliseconds delay{0};
  std::optional<ApiError> error;
};

// Consulted for every routed and decoded API request, before its handler.
// Thread safety: Consult may be called from any number of threads at once.
class FaultHook {
 public:
  virtual ~FaultHook() = default;
  virtual std::optional<FaultAction> Consult(const FaultQuery& query) = 0;
};

class Dispatcher {
 public:
  // faults may be null (no fault injection); otherwise it must outlive the dispatcher.
  // verifier may be null (any signature is accepted and the access key only
  // picks the account); otherwise every API request must pass it before it is
  // routed, and it must outlive the dispatcher.
  Dispatcher(Services& services, std::string default_account, FaultHook* faults = nullptr,
             const sigv4::SignatureVerifier* verifier = nullptr);

  // Serves request; fills call. Never throws.
  model::HttpResponseParts Handle(const model::HttpRequestView& request, CallRecord& call);

 private:
  model::HttpResponseParts Serve(const model::Route& route, const model::HttpRequestView& request,
                                 RequestContext& ctx, CallRecord& call);

  Services& services_;
  std::string default_account_;
  engine::HandlerTable handlers_;
  FaultHook* faults_;
  const sigv4::SignatureVerifier* verifier_;
};

// The ids a decoded input names (see FaultQuery::resource_ids).
std::vector<std::string> ResourceIdsOf(const cfl::Json& input);

}  // namespace cfl::api
