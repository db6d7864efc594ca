// Distributions: CreateDistribution(WithTags), GetDistribution(Config),
// UpdateDistribution, DeleteDistribution, ListDistributions.
#pragma once

#include "emulator/engine/versioned_resources.h"

namespace cfl::handlers {

const ResourceFamily& DistributionFamily();
void RegisterDistributionHandlers(HandlerTable& table);

}  // namespace cfl::handlers
