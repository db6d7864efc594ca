#include "emulator/families/distributions/distributions.h"

#include "emulator/common/ids.h"
#include "emulator/families/distributions/aliases.h"
#include "emulator/engine/crud_operations.h"
#include "emulator/families/distributions/distribution_defaults.h"
#include "emulator/families/distributions/distribution_references.h"
#include "emulator/families/signing_keys/key_groups.h"
#include "emulator/engine/projection.h"
#include "emulator/engine/resource_naming.h"

namespace cfl::handlers {
namespace {

Result<Ok, ApiError> Prepare(RequestContext& ctx, Json& config, const Resource*) {
  FillDistributionDefaults(config);
  if (auto check = CheckDistributionRules(config); !check) return check;
  return CheckDistributionReferences(ctx, config);
}

ResourceFamily MakeFamily() {
  ResourceFamily family;
  family.kind = "distribution";
  family.not_found_code = "NoSuchDistribution";
  family.not_found_message = "The specified distribution does not exist.";
  family.already_exists_code = "DistributionAlreadyExists";
  family.already_exists_message =
      "The caller reference that you are using to create a distribution is associated with another "
      "distribution. Already exists: {id}";
  family.caller_reference_member = "CallerReference";
  family.limit_code = "TooManyDistributions";
  family.limit_message = "Your request contains more distributions than are allowed per AWS account.";
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
  family.references = DistributionReferences;
  return family;
}

std::int64_t InProgressInvalidations(const RequestContext& ctx, const std::string& distribution_id) {
  return ctx.services.store.CountUnsettledChildren(ctx.account, "invalidation", distribution_id, ctx.now_ms);
}

Json AliasIcpRecordals(const Json& config) {
  Json recordals = Json::array();
  for (const auto& alias : AliasList(config)) recordals.push_back({{"CNAME", alias}, {"ICPRecordalStatus", "APPROVED"}});
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
  const Json recordals = AliasIcpRecordals(resource.config);
  if (!recordals.empty()) attributes["AliasICPRecordals"] = recordals;
  return attributes;
}

Json Render(const RequestContext& ctx, const Resource& resource, bool just_changed) {
  Json distribution = DistributionAttributes(ctx, resource, just_changed);
  distribution.erase("ETag");  // a Distribution carries its ETag in the header only
  // Trusted signers sign with CloudFront key pairs, which the root user makes outside this API:
  // none is ever active.
  distribution["ActiveTrustedSigners"] = {{"Enabled", false}, {"Quantity", 0}};
  distribution["ActiveTrustedKeyGroups"] = ActiveTrustedKeyGroups(ctx, resource.config);
  distribution["DistributionConfig"] = resource.config;
  return distribution;
}

Json Summarize(const RequestContext& ctx, const Resource& resource) {
  const Json attributes = DistributionAttributes(ctx, resource, false);
  return Project("DistributionSummary", {&attributes, &resource.config});
}

}  // namespace

const ResourceFamily& DistributionFamily() {
  static const ResourceFamily family = MakeFamily();
  return family;
}

void RegisterDistributionHandlers(HandlerTable& table) {
  CrudSpec spec;
  spec.family = &DistributionFamily();
  spec.resource_member = "Distribution";
  spec.config_member = "DistributionConfig";
  spec.collection = "distribution";
  spec.list_operation = "ListDistributions";
  spec.list_member = "DistributionList";
  spec.with_tags = true;
  spec.render = Render;
  spec.summarize = Summarize;
  spec.render_variant = [](const RequestContext& ctx, const store::Record& record) {
    return std::to_string(InProgressInvalidations(ctx, record.id));
  };
  spec.may_delete = RequireDisabledAndDeployed("DistributionNotDisabled",
                                               "The distribution you are trying to delete has not been disabled.");
  RegisterCrud(table, spec);
}

}  // namespace cfl::handlers
