#include "emulator/families/streaming/streaming_distributions.h"

#include "emulator/common/ids.h"
#include "emulator/families/distributions/aliases.h"
#include "emulator/engine/crud_operations.h"
#include "emulator/families/distributions/distribution_references.h"
#include "emulator/engine/projection.h"
#include "emulator/engine/resource_naming.h"

namespace cfl::handlers {
namespace {

std::vector<std::string> OriginReferences(const Json& config) {
  auto reference =
      OriginAccessIdentityReference(config.value("S3Origin", Json::object()).value("OriginAccessIdentity", ""));
  if (reference.empty()) return {};
  return {std::move(reference)};
}

Result<Ok, ApiError> Prepare(RequestContext& ctx, Json& config, const Resource*) {
  SetDefault(config, "Aliases", {{"Quantity", 0}});
  SetDefault(config, "Logging", {{"Enabled", false}, {"Bucket", ""}, {"Prefix", ""}});
  SetDefault(config, "PriceClass", "PriceClass_All");
  if (config.value("Comment", "").size() > 128) return Fail(InvalidArgument("The parameter Comment is too long."));
  return CheckOriginAccessReferences(ctx, config);
}

ResourceFamily MakeFamily() {
  ResourceFamily family;
  family.kind = "streaming-distribution";
  family.not_found_code = "NoSuchStreamingDistribution";
  family.not_found_message = "The specified streaming distribution does not exist.";
  family.already_exists_code = "StreamingDistributionAlreadyExists";
  family.already_exists_message =
      "The caller reference that you are using to create a streaming distribution is associated with another "
      "streaming distribution. Already exists: {id}";
  family.caller_reference_member = "CallerReference";
  family.limit_code = "TooManyStreamingDistributions";
  family.limit_message = "Your request contains more streaming distributions than are allowed per AWS account.";
  family.settle_delay_ms = [](const RequestContext& ctx) { return ctx.services.settings.propagation_delay_ms.load(); };
  family.max_per_account = [](const RequestContext& ctx) -> std::optional<std::int64_t> {
    return ctx.services.settings.max_distributions.load();
  };
  family.new_id = ids::DistributionId;
  family.new_metadata = [](const RequestContext&) {
    return Json{{"DomainName", ids::DomainLabel('s') + ".cloudfront.net"}};
  };
  family.prepare = Prepare;
  family.unique_keys = AliasKeys;
  family.key_conflict = AliasConflict;
  family.references = OriginReferences;
  return family;
}

Json Attributes(const RequestContext& ctx, const Resource& resource, bool just_changed) {
  return {
      {"Id", resource.id()},
      {"ARN", Arn(ctx.account, "streaming-distribution", resource.id())},
      {"Status", just_changed ? "InProgress" : DeployStatus(ctx, resource)},
      {"LastModifiedTime", FormatIso8601(resource.record.modified_ms)},
      {"DomainName", resource.metadata.value("DomainName", "")},
      {"ActiveTrustedSigners", {{"Enabled", false}, {"Quantity", 0}}},
  };
}

Json Render(const RequestContext& ctx, const Resource& resource, bool just_changed) {
  Json distribution = Attributes(ctx, resource, just_changed);
  distribution["StreamingDistributionConfig"] = resource.config;
  return distribution;
}

Json Summarize(const RequestContext& ctx, const Resource& resource) {
  const Json attributes = Attributes(ctx, resource, false);
  return Project("StreamingDistributionSummary", {&attributes, &resource.config});
}

}  // namespace

const ResourceFamily& StreamingDistributionFamily() {
  static const ResourceFamily family = MakeFamily();
  return family;
}

void RegisterStreamingDistributionHandlers(HandlerTable& table) {
  CrudSpec spec;
  spec.family = &StreamingDistributionFamily();
  spec.resource_member = "StreamingDistribution";
  spec.config_member = "StreamingDistributionConfig";
  spec.collection = "streaming-distribution";
  spec.list_operation = "ListStreamingDistributions";
  spec.list_member = "StreamingDistributionList";
  spec.with_tags = true;
  spec.render = Render;
  spec.summarize = Summarize;
  spec.may_delete = RequireDisabledAndDeployed(
      "StreamingDistributionNotDisabled",
      "The streaming distribution you are trying to delete has not been disabled.");
  RegisterCrud(table, spec);
}

}  // namespace cfl::handlers
