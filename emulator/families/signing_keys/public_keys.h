// Public keys (for signed URLs and cookies, grouped into key groups):
// CreatePublicKey, GetPublicKey(Config), UpdatePublicKey, DeletePublicKey,
// ListPublicKeys.
#pragma once

#include <string_view>

#include "emulator/engine/versioned_resources.h"

namespace cfl::handlers {

namespace reference {
// What a key group records for each public key it lists.
inline constexpr std::string_view kPublicKey = "public-key:";
}  // namespace reference

const ResourceFamily& PublicKeyFamily();
void RegisterPublicKeyHandlers(HandlerTable& table);

// True when text looks like a PEM-encoded public key: the BEGIN/END PUBLIC
// KEY armour around non-empty base64.
bool LooksLikePemPublicKey(std::string_view text);

}  // namespace cfl::handlers
