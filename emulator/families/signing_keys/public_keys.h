// Public keys (for signed URLs and cookies, grouped into key groups):
// CreatePublicKey, GetPublicKey(Config), UpdatePublicKey, DeletePublicKey,
// ListPublicKeys.
#pragma once

#include <string_view>

namespace cfl::families {

// True when text looks like a PEM-encoded public key: the BEGIN/END PUBLIC
// KEY armour around non-empty base64.
bool LooksLikePemPublicKey(std::string_view text);

}  // namespace cfl::families
