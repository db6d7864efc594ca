// Cache policies: CreateCachePolicy, GetCachePolicy(Config), UpdateCachePolicy,
// DeleteCachePolicy, ListCachePolicies; the managed ones come from
// ManagedCachePolicies().
#pragma once

#include "emulator/engine/versioned_resources.h"

namespace cfl::handlers {

// The account's own (custom) cache policies.
const ResourceFamily& CachePolicyFamily();
void RegisterCachePolicyHandlers(HandlerTable& table);

}  // namespace cfl::handlers
