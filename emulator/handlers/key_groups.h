// Key groups (the public keys a cache behavior trusts for signed URLs):
// CreateKeyGroup, GetKeyGroup(Config), UpdateKeyGroup, DeleteKeyGroup,
// ListKeyGroups. A key group references its public keys ("public-key:ID"),
// so a public key in use can't be deleted.
#pragma once

#include "emulator/handlers/versioned_resources.h"

namespace cfl::handlers {

const ResourceFamily& KeyGroupFamily();
void RegisterKeyGroupHandlers(HandlerTable& table);

}  // namespace cfl::handlers
