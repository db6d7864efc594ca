// What the multi-tenant families (connection groups, distribution tenants)
// share: naming a resource by its id, ARN or name, and the account's default
// connection group, which CloudFront creates the first time a tenant needs one.
//
// Thread safety: as every handler's code; the default group is created by a
// store write that a concurrent one cannot duplicate (its name is unique).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "emulator/engine/family.h"

namespace cfl::families {

inline constexpr std::string_view kConnectionGroupKind = "connection-group";
inline constexpr std::string_view kTenantKind = "distribution-tenant";

// The id of the record of family that identifier names in the request's
// account: an id, the family's ARN, or the config's Name; nullopt when none.
std::optional<std::string> FindByIdentifier(engine::RequestContext& ctx, const engine::Family& family,
                                            const std::string& identifier);

// What connection groups and tenants share as families: ids prefix + 27
// letters and digits, named by id, ARN or Name (unique: EntityAlreadyExists),
// ETags, InProgress → Deployed after the propagation delay, taggable, at
// most max_per_account (EntityLimitExceeded), deleted only disabled and
// deployed (ResourceNotDisabled). The messages must outlive the family.
struct MultiTenantNames {
  std::string_view kind, noun, id_prefix;
  std::string_view not_found, not_disabled;  // messages
};
engine::Family MultiTenantFamily(const MultiTenantNames& names, std::int64_t max_per_account);

// An update names only what changes: the Name (which never changes) and
// every member it leaves out are taken from current.
void KeepCurrent(engine::Json& config, const engine::Json& current);

// The id of the account's default connection group, created (enabled, IPv6
// on, named "default-connection-group") when the account has none yet.
Result<std::string, ApiError> DefaultConnectionGroupId(engine::RequestContext& ctx);

}  // namespace cfl::families
