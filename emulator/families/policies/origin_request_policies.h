// Origin request policies: Create/Get/GetConfig/Update/Delete/List
// OriginRequestPolicy; the managed ones come from ManagedOriginRequestPolicies().
#pragma once

#include "emulator/engine/versioned_resources.h"

namespace cfl::handlers {

// The account's own (custom) origin request policies.
const ResourceFamily& OriginRequestPolicyFamily();
void RegisterOriginRequestPolicyHandlers(HandlerTable& table);

}  // namespace cfl::handlers
