// Streaming (RTMP) distributions: Create(WithTags), Get, GetConfig, Update,
// Delete, List.
#include "emulator/common/ids.h"
#include "emulator/engine/family.h"
#include "emulator/engine/projection.h"
#include "emulator/engine/resource_naming.h"
#include "emulator/families/distributions/aliases.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

Result<Ok, ApiError> Prepare(RequestContext&, Json& config, const Resource*) {
  SetDefault(config, "Aliases", {{"Quantity", 0}});
  SetDefault(config, "Logging", {{"Enabled", false}, {"Bucket", ""}, {"Prefix", ""}});
  SetDefault(config, "PriceClass", "PriceClass_All");
  if (config.value("Comment", "").size() > 128)
    return Fail(errors::InvalidArgument("The parameter Comment is too long."));
  return Ok{};
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

FamilyDefinition MakeDefinition() {
  Family family;
  family.kind = "streaming-distribution";
  family.noun = "streaming distribution";
  family.arn_type = "streaming-distribution";
  family.errors = {.not_found = errors::NoSuchStreamingDistribution,
                   .already_exists = errors::StreamingDistributionAlreadyExists,
                   .limit = errors::TooManyStreamingDistributions,
                   .not_disabled = errors::StreamingDistributionNotDisabled};
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
    return Json{{"DomainName", ids::DomainLabel('s') + ".cloudfront.net"}};
  };
  family.prepare = Prepare;
  family.unique_keys = AliasKeys;
  family.key_conflict = AliasConflict;
  family.render = [](const RequestContext& ctx, const Resource& resource, bool just_changed) {
    Json distribution = Attributes(ctx, resource, just_changed);
    distribution["StreamingDistributionConfig"] = resource.ConfigForAnswer();
    return distribution;
  };
  family.summarize = [](const RequestContext& ctx, const Resource& resource) {
    const Json attributes = Attributes(ctx, resource, false);
    return Project("StreamingDistributionSummary", {&attributes, &resource.config()});
  };
  return {std::move(family),
          {{"CreateStreamingDistribution", Verb::kCreate},
           {"CreateStreamingDistributionWithTags", Verb::kCreate},
           {"GetStreamingDistribution", Verb::kGet},
           {"GetStreamingDistributionConfig", Verb::kGetConfig},
           {"UpdateStreamingDistribution", Verb::kUpdate},
           {"DeleteStreamingDistribution", Verb::kDelete},
           {"ListStreamingDistributions", Verb::kList}},
          {errors::InvalidArgument, errors::CNAMEAlreadyExists}};
}

}  // namespace

const engine::FamilyDefinition& StreamingDistributionDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

}  // namespace cfl::families
