// The distribution family's own operations (Verb::kCustom), each in the file
// of its topic: continuous deployment (staging.cpp), web ACLs (web_acls.cpp),
// aliases moving between distributions (alias_operations.cpp).
//
// Thread safety: as every handler; what they change they change in one store
// transaction.
#pragma once

#include "emulator/engine/handler.h"

namespace cfl::families {

using engine::Json;
using engine::RequestContext;

// staging.cpp
Result<Json, ApiError> CopyDistribution(RequestContext& ctx, const Json& input);
Result<Json, ApiError> UpdateDistributionWithStagingConfig(RequestContext& ctx, const Json& input);

// web_acls.cpp
Result<Json, ApiError> AssociateDistributionWebAcl(RequestContext& ctx, const Json& input);
Result<Json, ApiError> DisassociateDistributionWebAcl(RequestContext& ctx, const Json& input);
Result<Json, ApiError> ListDistributionsByWebAclId(RequestContext& ctx, const Json& input);

// alias_operations.cpp
Result<Json, ApiError> ListConflictingAliases(RequestContext& ctx, const Json& input);
Result<Json, ApiError> AssociateAlias(RequestContext& ctx, const Json& input);
Result<Json, ApiError> ListDomainConflicts(RequestContext& ctx, const Json& input);
Result<Json, ApiError> UpdateDomainAssociation(RequestContext& ctx, const Json& input);
Result<Json, ApiError> VerifyDnsConfiguration(RequestContext& ctx, const Json& input);

}  // namespace cfl::families
