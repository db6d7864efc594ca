// Key groups (the public keys a cache behavior trusts for signed URLs):
// CreateKeyGroup, GetKeyGroup(Config), UpdateKeyGroup, DeleteKeyGroup,
// ListKeyGroups. A key group references its public keys ("public-key:ID"),
// so a public key in use can't be deleted.
#pragma once

#include "emulator/engine/versioned_resources.h"

namespace cfl::handlers {

const ResourceFamily& KeyGroupFamily();

// A Distribution's ActiveTrustedKeyGroups: the key groups its cache behaviors
// trust, each with its public key ids. It changes only with a new version of
// the distribution (a key group in use can't be deleted, and updating one
// renews the distributions that trust it), so answers kept per version stay
// right.
Json ActiveTrustedKeyGroups(const RequestContext& ctx, const Json& distribution_config);
void RegisterKeyGroupHandlers(HandlerTable& table);

}  // namespace cfl::handlers
