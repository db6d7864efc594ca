// A distribution's origins may use an origin access identity or an origin
// access control, never both, and only ones that exist in the account.
#include "emulator/families/distributions/distribution_references.h"
#include "emulator/families/origin_access/origin_access_controls.h"
#include "emulator/families/origin_access/origin_access_identities.h"

namespace cfl::handlers {
namespace {

constexpr std::string_view kIdentityPrefix = "origin-access-identity/cloudfront/";

Result<Ok, ApiError> CheckIdentity(RequestContext& ctx, const std::string& identity) {
  const auto invalid = [] {
    return Fail(MakeError("InvalidOriginAccessIdentity",
                          "The specified origin access identity does not exist or is not valid."));
  };
  if (!identity.starts_with(kIdentityPrefix)) return invalid();
  if (!LoadResource(ctx, OriginAccessIdentityFamily(), identity.substr(kIdentityPrefix.size()))) return invalid();
  return Ok{};
}

Result<Ok, ApiError> CheckOrigin(RequestContext& ctx, const Json& origin) {
  const std::string identity = origin.value("S3OriginConfig", Json::object()).value("OriginAccessIdentity", "");
  const std::string control = origin.value("OriginAccessControlId", "");
  if (!identity.empty() && !control.empty()) {
    return Fail(MakeError("IllegalOriginAccessConfiguration",
                          "An origin cannot contain both an origin access control (OAC) and an origin access "
                          "identity (OAI)."));
  }
  if (!identity.empty()) return CheckIdentity(ctx, identity);
  if (!control.empty() && !LoadResource(ctx, OriginAccessControlFamily(), control)) {
    return Fail(MakeError("NoSuchOriginAccessControl", "The origin access control does not exist."));
  }
  return Ok{};
}

}  // namespace

Result<Ok, ApiError> CheckOriginAccessReferences(RequestContext& ctx, const Json& config) {
  if (config.contains("S3Origin")) {  // a streaming distribution
    const std::string identity = config["S3Origin"].value("OriginAccessIdentity", "");
    return identity.empty() ? Result<Ok, ApiError>(Ok{}) : CheckIdentity(ctx, identity);
  }
  const auto origins = config.value("Origins", Json::object()).value("Items", Json::array());
  for (const auto& origin : origins) {
    if (auto check = CheckOrigin(ctx, origin); !check) return check;
  }
  return Ok{};
}

}  // namespace cfl::handlers
