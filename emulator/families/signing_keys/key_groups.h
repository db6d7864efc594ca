// Key groups (the public keys a cache behavior trusts for signed URLs):
// CreateKeyGroup, GetKeyGroup(Config), UpdateKeyGroup, DeleteKeyGroup,
// ListKeyGroups. A key group references its public keys, so a public key in
// use can't be deleted; updating a key group renews the distributions that
// trust it.
#pragma once

#include "emulator/engine/handler.h"

namespace cfl::families {

// A Distribution's ActiveTrustedKeyGroups: the key groups its cache behaviors
// trust, each with its public key ids. It changes only with a new version of
// the distribution (a key group in use can't be deleted, and updating one
// renews the distributions that trust it), so answers kept per version stay
// right.
engine::Json ActiveTrustedKeyGroups(const engine::RequestContext& ctx, const engine::Json& distribution_config);

}  // namespace cfl::families
