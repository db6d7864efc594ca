// The rules of a distribution's FunctionAssociations that the model cannot
// say (which functions exist and are LIVE is a reference row, checked by
// the store): a function runs on viewer-request or viewer-response only, at
// most one per event type of a cache behavior, and is the account's own.
#pragma once

#include "emulator/common/json.h"
#include <string_view>

#include "emulator/common/result.h"
#include "emulator/model/errors.h"

namespace cfl::families {

Result<Ok, ApiError> CheckFunctionAssociations(std::string_view account, const cfl::Json& config);

}  // namespace cfl::families
