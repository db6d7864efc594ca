// A handler serves one operation: it takes the decoded input (a JSON object
// keyed by the model's member names; its own, so it may move parts out) and
// returns the output the same way.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

#include "emulator/api/context.h"
#include "emulator/common/result.h"
#include "emulator/model/errors.h"

namespace cfl::engine {

using Json = nlohmann::json;
using api::RequestContext;
using Handler = std::function<Result<Json, ApiError>(RequestContext&, Json input)>;
using HandlerTable = std::unordered_map<std::string, Handler>;

}  // namespace cfl::engine
