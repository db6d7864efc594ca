// What CloudFront fills into a DistributionConfig the caller left out, and
// the rules it checks beyond the model. Pure functions over JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "emulator/common/result.h"
#include "emulator/model/errors.h"

namespace cfl::families {

void FillDistributionDefaults(nlohmann::json& config);

// Rules that need more than one member: origins named by behaviors exist,
// cache policy xor legacy ForwardedValues, unique origin ids, an origin with
// an OAI or an OAC but not both, limits. (Whether what the config names
// exists is the store's check: families/references.cpp.)
Result<Ok, ApiError> CheckDistributionRules(const nlohmann::json& config);

// The cache behaviors of a DistributionConfig: the default one first.
std::vector<const nlohmann::json*> CacheBehaviors(const nlohmann::json& config);

}  // namespace cfl::families
