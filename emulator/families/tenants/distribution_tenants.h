// What the distribution tenants' files share: the managed certificate a
// tenant asks for (ManagedCertificateRequest), kept in its metadata as
// ManagedCertificate, validated on the emulator's clock.
//
// Thread safety: pure functions, and a handler like any other.
#pragma once

#include <string>

#include "emulator/engine/handler.h"

namespace cfl::families {

// The tenant's ManagedCertificate metadata for the config it is about to
// store (Family::derive_metadata): a new certificate (a new ARN, issued
// after the propagation delay in force now) for a new or changed request,
// none without one, the one in metadata otherwise.
engine::Json ManagedCertificateOf(const engine::RequestContext& ctx, const engine::Json& config,
                                  const engine::Json& metadata);

// The tenant's managed certificate {Arn, IssuedAtMs, Request} (its metadata
// holds it as JSON text), or null when it has none.
engine::Json ManagedCertificate(const engine::Json& tenant_metadata);

// "pending-validation" until the certificate's IssuedAtMs, then "issued";
// "" when the tenant's metadata holds no managed certificate.
std::string ManagedCertificateState(const engine::RequestContext& ctx, const engine::Json& tenant_metadata);

// GetManagedCertificateDetails: the managed certificate of the tenant the
// Identifier names (id, ARN or name); EntityNotFound when it has none.
Result<engine::Json, ApiError> GetManagedCertificateDetails(engine::RequestContext& ctx, const engine::Json& input);

}  // namespace cfl::families
