// "Another actor updated it": a new version of a distribution or streaming
// distribution made through the engine, as an UpdateDistribution from
// someone else would make it (new ETag and LastModifiedTime, InProgress
// again, the family's defaults and rules applied, a compare-and-swap).
#pragma once

#include <optional>
#include <string>

#include "emulator/api/context.h"
#include "emulator/control/json_input.h"

namespace cfl::control {

struct TouchRequest {
  std::optional<bool> enabled;
  std::optional<std::string> comment;
  std::optional<std::string> account;  // nullopt: search every account
};

Result<TouchRequest, Problem> ParseTouch(const Json& body);

// Answers the new version: id, account, kind, etag, previous_etag, status,
// last_modified, settles_at, enabled, comment.
Result<Json, Problem> Touch(api::Services& services, const std::string& id, const TouchRequest& request);

}  // namespace cfl::control
