// The API pipeline for one request, without HTTP:
// account → request id → route → decode → handler → encode (or error).
#pragma once

#include <string>

#include "emulator/api/context.h"
#include "emulator/handlers/handler.h"
#include "emulator/model/rest_binding.h"

namespace cfl::api {

// What happened to one API call: for the log line and the request journal.
struct CallRecord {
  std::string request_id;
  std::string account;
  std::string operation;   // "" when no operation matched
  std::string error_code;  // "" on success
  std::string if_match;    // as sent
  std::string etag;        // as answered
  int status = 0;
};

class Dispatcher {
 public:
  Dispatcher(Services& services, std::string default_account);

  // Serves request; fills call. Never throws.
  model::HttpResponseParts Handle(const model::HttpRequestView& request, CallRecord& call);

 private:
  model::HttpResponseParts Serve(const model::HttpRequestView& request, RequestContext& ctx, CallRecord& call);

  Services& services_;
  std::string default_account_;
  handlers::HandlerTable handlers_;
};

}  // namespace cfl::api
