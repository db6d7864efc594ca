// What CloudFront fills into a DistributionConfig the caller left out, and
// the rules it checks beyond the model. Pure functions over JSON.
#pragma once

#include "emulator/common/json.h"
#include <vector>

#include "emulator/common/result.h"
#include "emulator/model/errors.h"

namespace cfl::families {

void FillDistributionDefaults(cfl::Json& config);

// Rules that need more than one member: origins named by behaviors exist,
// cache policy xor legacy ForwardedValues, unique origin ids, an origin with
// an OAI or an OAC but not both, limits. (Whether what the config names
// exists is the store's check: families/references.cpp.)
Result<Ok, ApiError> CheckDistributionRules(const cfl::Json& config);

// The cache behaviors of a DistributionConfig: the default one first.
std::vector<const cfl::Json*> CacheBehaviors(const cfl::Json& config);

}  // namespace cfl::families
