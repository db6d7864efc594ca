// Distributions: Create(WithTags), Get, GetConfig, Update, Delete, List, and
// the lists of distributions that use a policy or key group.
#include "emulator/common/ids.h"
#include "emulator/engine/family.h"
#include "emulator/engine/projection.h"
#include "emulator/engine/resource_naming.h"
#include "emulator/families/distributions/aliases.h"
#include "emulator/families/distributions/distribution_defaults.h"
#include "emulator/families/distributions/distribution_operations.h"
#include "emulator/families/distributions/distribution_rules.h"
#include "emulator/families/functions/function_associations.h"
#include "emulator/families/signing_keys/key_groups.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

// A cache behavior may send real-time logs only to a configuration of its own account.
Result<Ok, ApiError> CheckRealtimeLogOwners(const RequestContext& ctx, const Json& config) {
  for (const Json* behavior : CacheBehaviors(config)) {
    const auto parsed = ParseArn(StringMember(*behavior, "RealtimeLogConfigArn"));
    if (parsed && parsed->type == "realtime-log-config" && parsed->account != ctx.account) {
      return Fail(errors::RealtimeLogConfigOwnerMismatch(
          "The specified real-time log configuration belongs to a different Amazon Web Services account."));
    }
  }
  return Ok{};
}

// Read from the stored text without parsing it: the store asks this of every
// distribution of the account inside a create's transaction. In compact JSON a
// quote outside a string is a delimiter, and only the config's top level has a
// Staging member.
bool IsStaging(const store::Record& record) { return record.document.find(R"("Staging":true)") != std::string::npos; }

Result<Ok, ApiError> Prepare(RequestContext& ctx, Json& config, const Resource* current) {
  FillDistributionDefaults(config);
  if (auto check = CheckDistributionRules(config); !check) return check;
  if (auto check = CheckDistributionSettings(config); !check) return check;
  if (auto check = CheckRealtimeLogOwners(ctx, config); !check) return check;
  if (auto check = CheckFunctionAssociations(ctx.account, config); !check) return check;
  if (current && config.value("Staging", false) != current->config().value("Staging", false)) {
    return Fail(errors::IllegalUpdate(
        "The update contains modifications that are not allowed: Staging can't be changed."));
  }
  // A standard distribution stays one, and a multi-tenant one too (its tenants need it).
  const auto multi_tenant = [](const Json& of) { return StringMember(of, "ConnectionMode") == "tenant-only"; };
  if (current && multi_tenant(config) != multi_tenant(current->config())) {
    return Fail(errors::IllegalUpdate(
        "The update contains modifications that are not allowed: ConnectionMode can't be changed."));
  }
  FillViewerCertificate(config);
  return Ok{};
}

constexpr std::string_view kPolicyKeyPrefix = "continuous-deployment-policy:";

// Aliases, and the continuous deployment policy: one primary per policy.
std::vector<std::string> UniqueKeys(const Json& config) {
  std::vector<std::string> keys = AliasKeys(config);
  const std::string policy = StringMember(config, "ContinuousDeploymentPolicyId");
  if (!policy.empty()) keys.push_back(std::string(kPolicyKeyPrefix) + policy);
  return keys;
}

ApiError KeyConflict(const store::StoreError& error) {
  if (error.conflicting_key.starts_with(kPolicyKeyPrefix)) {
    return errors::ContinuousDeploymentPolicyInUse(
        "The continuous deployment policy is already attached to the distribution " + error.conflicting_id + ".");
  }
  return AliasConflict(error);
}

std::int64_t InProgressInvalidations(const RequestContext& ctx, const std::string& distribution_id) {
  return ctx.services.store.CountUnsettledChildren(ctx.account, "invalidation", distribution_id, ctx.now_ms);
}

Json AliasIcpRecordals(const Json& config) {
  Json recordals = Json::array();
  for (const auto& alias : AliasList(config))
    recordals.push_back({{"CNAME", alias}, {"ICPRecordalStatus", "APPROVED"}});
  return recordals;
}

// The members a Distribution and a DistributionSummary share, other than the
// config's; a Distribution carries its ETag in the header only. Assigned one
// by one: an initializer list would build each value twice.
Json DistributionAttributes(const RequestContext& ctx, const Resource& resource, bool just_changed, bool with_etag) {
  Json attributes = Json::object();
  attributes["Id"] = resource.id();
  attributes["ARN"] = Arn(ctx.account, "distribution", resource.id());
  if (with_etag) attributes["ETag"] = resource.etag();
  attributes["Status"] = just_changed ? "InProgress" : DeployStatus(ctx, resource);
  attributes["LastModifiedTime"] = FormatIso8601(resource.record.modified_ms);
  attributes["InProgressInvalidationBatches"] = InProgressInvalidations(ctx, resource.id());
  attributes["DomainName"] = resource.metadata.value("DomainName", "");
  Json recordals = AliasIcpRecordals(resource.config());
  if (!recordals.empty()) attributes["AliasICPRecordals"] = std::move(recordals);
  return attributes;
}

Json Render(const RequestContext& ctx, const Resource& resource, bool just_changed) {
  Json distribution = DistributionAttributes(ctx, resource, just_changed, false);
  // Trusted signers sign with CloudFront key pairs, which the root user makes outside this API:
  // none is ever active.
  static const Json kNoActiveTrustedSigners = {{"Enabled", false}, {"Quantity", 0}};
  distribution["ActiveTrustedSigners"] = kNoActiveTrustedSigners;
  distribution["ActiveTrustedKeyGroups"] = ActiveTrustedKeyGroups(ctx, resource.config());
  distribution["DistributionConfig"] = resource.ConfigForAnswer();
  return distribution;
}

Json Summarize(const RequestContext& ctx, const Resource& resource) {
  const Json attributes = DistributionAttributes(ctx, resource, false, true);
  return Project("DistributionSummary", {&attributes, &resource.config()});
}

FamilyDefinition MakeDefinition() {
  Family family;
  family.kind = "distribution";
  family.noun = "distribution";
  family.arn_type = "distribution";
  family.errors = {.not_found = errors::NoSuchDistribution,
                   .already_exists = errors::DistributionAlreadyExists,
                   .limit = errors::TooManyDistributions,
                   .not_disabled = errors::DistributionNotDisabled};
  family.caller_reference_member = "CallerReference";
  family.must_disable_before_delete = true;
  family.taggable = true;
  family.touchable = true;
  family.settle_delay_ms = [](const RequestContext& ctx) { return ctx.services.settings.propagation_delay_ms.load(); };
  family.max_per_account = [](const RequestContext& ctx) -> std::optional<std::int64_t> {
    return ctx.services.settings.max_distributions.load();
  };
  // Developer guide: "Maximum number of staging distributions per AWS account: 20".
  family.subset_limit = store::SubsetLimit{"staging distributions", 20, IsStaging};
  family.subset_limit_error = {errors::TooManyDistributions,
                               "Your account already has the maximum of 20 staging distributions."};
  family.new_id = ids::DistributionId;
  family.new_metadata = [](const RequestContext&) {
    return Json{{"DomainName", ids::DomainLabel('d') + ".cloudfront.net"}};
  };
  family.prepare = Prepare;
  family.unique_keys = UniqueKeys;
  family.key_conflict = KeyConflict;
  family.render = Render;
  family.summarize = Summarize;
  family.render_variant = [](const RequestContext& ctx, const store::Record& record) {
    return std::to_string(InProgressInvalidations(ctx, record.id));
  };
  return {std::move(family),
          {{"CreateDistribution", Verb::kCreate},
           {"CreateDistributionWithTags", Verb::kCreate},
           {"GetDistribution", Verb::kGet},
           {"GetDistributionConfig", Verb::kGetConfig},
           {"UpdateDistribution", Verb::kUpdate},
           {"DeleteDistribution", Verb::kDelete},
           {"ListDistributions", Verb::kList},
           {"ListDistributionsByCachePolicyId", Verb::kListReferencing, nullptr, "cache-policy"},
           {"ListDistributionsByOriginRequestPolicyId", Verb::kListReferencing, nullptr, "origin-request-policy"},
           {"ListDistributionsByResponseHeadersPolicyId", Verb::kListReferencing, nullptr, "response-headers-policy"},
           {"ListDistributionsByKeyGroup", Verb::kListReferencing, nullptr, "key-group"},
           {"ListDistributionsByVpcOriginId", Verb::kListReferencing, nullptr, "vpc-origin"},
           {"ListDistributionsByAnycastIpListId", Verb::kListReferencing, nullptr, "anycast-ip-list"},
           // staging.cpp
           // Both re-check configs that passed the rules when stored: a copy drops the aliases and the
           // policy, a promotion keeps the primary's.
           {.name = "CopyDistribution",
            .verb = Verb::kCustom,
            .custom = CopyDistribution,
            .raises = {errors::NoSuchDistribution, errors::InvalidIfMatchVersion, errors::PreconditionFailed,
                       errors::DistributionAlreadyExists, errors::TooManyDistributions},
            .unreachable = {errors::IllegalOriginAccessConfiguration, errors::ContinuousDeploymentPolicyInUse}},
           {.name = "UpdateDistributionWithStagingConfig",
            .verb = Verb::kCustom,
            .custom = UpdateDistributionWithStagingConfig,
            .raises = {errors::NoSuchDistribution, errors::EntityNotFound, errors::InvalidIfMatchVersion,
                       errors::PreconditionFailed},
            .unreachable = {errors::IllegalOriginAccessConfiguration, errors::ContinuousDeploymentPolicyInUse,
                            errors::InvalidProtocolSettings}},
           // web_acls.cpp
           {.name = "AssociateDistributionWebACL",
            .verb = Verb::kCustom,
            .custom = AssociateDistributionWebAcl,
            .raises = {errors::EntityNotFound, errors::InvalidArgument, errors::InvalidIfMatchVersion,
                       errors::PreconditionFailed},
            .family_rules = false},
           {.name = "DisassociateDistributionWebACL",
            .verb = Verb::kCustom,
            .custom = DisassociateDistributionWebAcl,
            .raises = {errors::EntityNotFound, errors::InvalidArgument, errors::InvalidIfMatchVersion,
                       errors::PreconditionFailed},
            .family_rules = false},
           {.name = "ListDistributionsByWebACLId",
            .verb = Verb::kCustom,
            .custom = ListDistributionsByWebAclId,
            .raises = {errors::InvalidWebACLId, errors::InvalidArgument},
            .family_rules = false},
           // alias_operations.cpp
           {.name = "ListConflictingAliases",
            .verb = Verb::kCustom,
            .custom = ListConflictingAliases,
            .raises = {errors::NoSuchDistribution, errors::InvalidArgument},
            .family_rules = false},
           {.name = "AssociateAlias",
            .verb = Verb::kCustom,
            .custom = AssociateAlias,
            .raises = {errors::NoSuchDistribution, errors::InvalidArgument, errors::IllegalUpdate,
                       errors::TooManyDistributionCNAMEs},
            .family_rules = false},
           {.name = "ListDomainConflicts",
            .verb = Verb::kCustom,
            .custom = ListDomainConflicts,
            .raises = {errors::EntityNotFound, errors::InvalidArgument},
            .family_rules = false},
           {.name = "UpdateDomainAssociation",
            .verb = Verb::kCustom,
            .custom = UpdateDomainAssociation,
            .raises = {errors::EntityNotFound, errors::InvalidArgument, errors::IllegalUpdate,
                       errors::InvalidIfMatchVersion, errors::PreconditionFailed},
            .family_rules = false},
           {.name = "VerifyDnsConfiguration",
            .verb = Verb::kCustom,
            .custom = VerifyDnsConfiguration,
            .raises = {errors::EntityNotFound, errors::InvalidArgument},
            .family_rules = false}},
          {errors::InvalidArgument,
           errors::NoSuchOrigin,
           errors::TooManyOrigins,
           errors::TooManyCacheBehaviors,
           errors::TooManyDistributionCNAMEs,
           errors::IllegalOriginAccessConfiguration,
           errors::TooManyKeyGroupsAssociatedToDistribution,
           errors::CNAMEAlreadyExists,
           errors::ContinuousDeploymentPolicyInUse,
           errors::RealtimeLogConfigOwnerMismatch,
           // distribution_rules.cpp
           errors::InvalidDefaultRootObject,
           errors::InvalidErrorCode,
           errors::InvalidRelativePath,
           errors::InvalidResponseCode,
           errors::TooManyOriginCustomHeaders,
           errors::InvalidOriginReadTimeout,
           errors::InvalidOriginKeepaliveTimeout,
           errors::TooManyOriginGroupsPerDistribution,
           errors::InvalidTTLOrder,
           errors::InvalidForwardCookies,
           errors::TooManyCookieNamesInWhiteList,
           errors::TooManyHeadersInForwardedValues,
           errors::InvalidHeadersForS3Origin,
           errors::TooManyQueryStringParameters,
           errors::InvalidQueryStringParameters,
           errors::TooManyLambdaFunctionAssociations,
           errors::InvalidLambdaFunctionAssociation,
           errors::TooManyFunctionAssociations,
           errors::InvalidFunctionAssociation,
           errors::TooManyTrustedSigners,
           errors::TrustedSignerDoesNotExist,
           errors::IllegalFieldLevelEncryptionConfigAssociationWithCacheBehavior,
           errors::InvalidViewerCertificate,
           errors::InvalidProtocolSettings,
           errors::InvalidMinimumProtocolVersion,
           errors::InvalidGeoRestrictionParameter,
           errors::InvalidLocationCode,
           errors::InvalidWebACLId,
           errors::MalformedXML}};
}

}  // namespace

const engine::FamilyDefinition& DistributionDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

}  // namespace cfl::families
