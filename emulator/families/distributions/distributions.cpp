// Distributions: Create(WithTags), Get, GetConfig, Update, Delete, List, and
// the lists of distributions that use a policy or key group.
#include "emulator/common/ids.h"
#include "emulator/engine/family.h"
#include "emulator/engine/projection.h"
#include "emulator/engine/resource_naming.h"
#include "emulator/families/distributions/aliases.h"
#include "emulator/families/distributions/distribution_defaults.h"
#include "emulator/families/functions/function_associations.h"
#include "emulator/families/signing_keys/key_groups.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

Result<Ok, ApiError> Prepare(RequestContext& ctx, Json& config, const Resource*) {
  FillDistributionDefaults(config);
  if (auto checked = CheckDistributionRules(config); !checked) return checked;
  return CheckFunctionAssociations(ctx.account, config);
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

// The members a Distribution and a DistributionSummary share, other than the config's.
Json DistributionAttributes(const RequestContext& ctx, const Resource& resource, bool just_changed) {
  Json attributes = {
      {"Id", resource.id()},
      {"ARN", Arn(ctx.account, "distribution", resource.id())},
      {"ETag", resource.etag()},
      {"Status", just_changed ? "InProgress" : DeployStatus(ctx, resource)},
      {"LastModifiedTime", FormatIso8601(resource.record.modified_ms)},
      {"InProgressInvalidationBatches", InProgressInvalidations(ctx, resource.id())},
      {"DomainName", resource.metadata.value("DomainName", "")},
  };
  const Json recordals = AliasIcpRecordals(resource.config());
  if (!recordals.empty()) attributes["AliasICPRecordals"] = recordals;
  return attributes;
}

Json Render(const RequestContext& ctx, const Resource& resource, bool just_changed) {
  Json distribution = DistributionAttributes(ctx, resource, just_changed);
  distribution.erase("ETag");  // a Distribution carries its ETag in the header only
  // Trusted signers sign with CloudFront key pairs, which the root user makes outside this API:
  // none is ever active.
  distribution["ActiveTrustedSigners"] = {{"Enabled", false}, {"Quantity", 0}};
  distribution["ActiveTrustedKeyGroups"] = ActiveTrustedKeyGroups(ctx, resource.config());
  distribution["DistributionConfig"] = resource.config();
  return distribution;
}

Json Summarize(const RequestContext& ctx, const Resource& resource) {
  const Json attributes = DistributionAttributes(ctx, resource, false);
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
  family.new_id = ids::DistributionId;
  family.new_metadata = [](const RequestContext&) {
    return Json{{"DomainName", ids::DomainLabel('d') + ".cloudfront.net"}};
  };
  family.prepare = Prepare;
  family.unique_keys = AliasKeys;
  family.key_conflict = AliasConflict;
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
           {"ListDistributionsByKeyGroup", Verb::kListReferencing, nullptr, "key-group"}},
          {errors::InvalidArgument, errors::NoSuchOrigin, errors::TooManyOrigins, errors::TooManyCacheBehaviors,
           errors::TooManyDistributionCNAMEs, errors::IllegalOriginAccessConfiguration,
           errors::TooManyKeyGroupsAssociatedToDistribution, errors::CNAMEAlreadyExists,
           errors::InvalidFunctionAssociation, errors::MalformedXML}};
}

}  // namespace

const engine::FamilyDefinition& DistributionDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

}  // namespace cfl::families
