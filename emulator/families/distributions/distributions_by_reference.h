// The ids of the distributions that use a policy or key group:
// ListDistributionsByCachePolicyId, ListDistributionsByOriginRequestPolicyId,
// ListDistributionsByResponseHeadersPolicyId, ListDistributionsByKeyGroup.
#pragma once

#include "emulator/engine/handler.h"

namespace cfl::handlers {

void RegisterDistributionsByReferenceHandlers(HandlerTable& table);

}  // namespace cfl::handlers
