// Response headers policies: Create/Get/GetConfig/Update/Delete/List
// ResponseHeadersPolicy; the managed ones come from
// ManagedResponseHeadersPolicies().
#pragma once

#include "emulator/engine/versioned_resources.h"

namespace cfl::handlers {

// The account's own (custom) response headers policies.
const ResourceFamily& ResponseHeadersPolicyFamily();
void RegisterResponseHeadersPolicyHandlers(HandlerTable& table);

}  // namespace cfl::handlers
