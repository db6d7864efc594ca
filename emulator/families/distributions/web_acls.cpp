// A distribution's AWS WAF web ACL: AssociateDistributionWebACL and
// DisassociateDistributionWebACL change its WebACLId as an update would (If-Match,
// a new version), ListDistributionsByWebACLId finds the distributions using one.
#include "emulator/engine/operations.h"
#include "emulator/engine/registry.h"
#include "emulator/engine/resources.h"
#include "emulator/families/distributions/distribution_operations.h"
#include "emulator/families/distributions/distribution_rules.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: written in the engine's terms

const Family& Distributions() { return Registry::Get().FindFamily("distribution")->family; }

// These operations name a missing distribution EntityNotFound (their model errors).
ApiError AsEntityNotFound(ApiError error) {
  if (error.code == "NoSuchDistribution") return errors::EntityNotFound("The distribution does not exist.");
  return error;
}

Result<Json, ApiError> SetWebAcl(RequestContext& ctx, const Json& input, const std::string& acl) {
  const std::string id = StringMember(input, "Id");
  auto current = LoadResource(ctx, Distributions(), id);
  if (!current) return Fail(AsEntityNotFound(std::move(current).error()));
  // Developer guide, continuous deployment: with a policy attached, a web ACL
  // can be neither associated for the first time nor disassociated.
  const bool continuous = !StringMember(current->config(), "ContinuousDeploymentPolicyId").empty();
  if (continuous && (acl.empty() || StringMember(current->config(), "WebACLId").empty())) {
    return Fail(errors::InvalidArgument(
        "A distribution with a continuous deployment policy can't have its web ACL associated for the first time "
        "or disassociated: delete the policy first."));
  }
  Json config = current->config();
  config["WebACLId"] = acl;
  auto updated = UpdateResource(ctx, Distributions(), id, input.value("IfMatch", Json()), std::move(config), false);
  if (!updated) return Fail(AsEntityNotFound(std::move(updated).error()));
  Json output = {{"Id", id}, {"ETag", updated->etag()}};
  if (!acl.empty()) output["WebACLArn"] = acl;
  return output;
}

}  // namespace

Result<Json, ApiError> AssociateDistributionWebAcl(RequestContext& ctx, const Json& input) {
  const std::string acl = StringMember(input, "WebACLArn");
  if (!IsWebAclId(acl, false)) {
    return Fail(errors::InvalidArgument("The parameter WebACLArn must be the ARN of an AWS WAF (WAFv2) web ACL in the "
                                        "global scope (arn:aws:wafv2:us-east-1:ACCOUNT:global/webacl/NAME/ID)."));
  }
  return SetWebAcl(ctx, input, acl);
}

Result<Json, ApiError> DisassociateDistributionWebAcl(RequestContext& ctx, const Json& input) {
  return SetWebAcl(ctx, input, "");
}

Result<Json, ApiError> ListDistributionsByWebAclId(RequestContext& ctx, const Json& input) {
  const std::string acl = StringMember(input, "WebACLId");
  if (!IsWebAclId(acl)) {
    return Fail(errors::InvalidWebACLId("A web ACL ID specified is not valid: use the ARN of a WAFv2 web ACL or the id "
                                        "of a WAF Classic one."));
  }
  return ListWhere(ctx, Distributions(), "ListDistributionsByWebACLId", input,
                   [&](const Resource& distribution) { return StringMember(distribution.config(), "WebACLId") == acl; });
}

}  // namespace cfl::families
