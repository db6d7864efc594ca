// Invalidations: CreateInvalidation, GetInvalidation, ListInvalidations.
// An invalidation is a child of its distribution; it is InProgress until the
// invalidation delay has passed, then Completed.
#pragma once

#include "emulator/engine/versioned_resources.h"

namespace cfl::handlers {

const ResourceFamily& InvalidationFamily();
void RegisterInvalidationHandlers(HandlerTable& table);

}  // namespace cfl::handlers
