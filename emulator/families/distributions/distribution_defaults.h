// What CloudFront fills into a DistributionConfig the caller left out, and
// the rules it checks beyond the model. Pure functions over JSON.
#pragma once

#include <nlohmann/json.hpp>

#include "emulator/common/result.h"
#include "emulator/model/errors.h"

namespace cfl::handlers {

void FillDistributionDefaults(nlohmann::json& config);

// Rules that need more than one member: origins named by behaviors exist,
// cache policy xor legacy ForwardedValues, unique origin ids, limits.
Result<Ok, ApiError> CheckDistributionRules(const nlohmann::json& config);

}  // namespace cfl::handlers
