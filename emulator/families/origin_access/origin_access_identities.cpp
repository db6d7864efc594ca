// CloudFront origin access identities (legacy S3 origin access): Create, Get,
// GetConfig, Update, Delete, List.
#include "emulator/common/ids.h"
#include "emulator/engine/family.h"
#include "emulator/engine/projection.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

Json Attributes(const Resource& resource) {
  return {{"Id", resource.id()}, {"S3CanonicalUserId", resource.metadata.value("S3CanonicalUserId", "")}};
}

FamilyDefinition MakeDefinition() {
  Family family;
  family.kind = "origin-access-identity";
  family.noun = "origin access identity";
  family.errors = {.not_found = errors::NoSuchCloudFrontOriginAccessIdentity,
                   .already_exists = errors::CloudFrontOriginAccessIdentityAlreadyExists,
                   .limit = errors::TooManyCloudFrontOriginAccessIdentities};
  family.caller_reference_member = "CallerReference";
  family.replay_identical = true;
  family.max_per_account = [](const RequestContext&) -> std::optional<std::int64_t> { return 100; };
  family.new_id = ids::DistributionId;
  family.new_metadata = [](const RequestContext&) { return Json{{"S3CanonicalUserId", ids::LowerHex(96)}}; };
  family.prepare = [](RequestContext&, Json& config, const Resource*) -> Result<Ok, ApiError> {
    if (config.value("Comment", "").size() > 128) {
      return Fail(errors::InvalidArgument("The parameter Comment is too long."));
    }
    return Ok{};
  };
  family.render = [](const RequestContext&, const Resource& resource, bool) {
    Json identity = Attributes(resource);
    identity["CloudFrontOriginAccessIdentityConfig"] = resource.ConfigForAnswer();
    return identity;
  };
  family.summarize = [](const RequestContext&, const Resource& resource) {
    const Json attributes = Attributes(resource);
    return Project("CloudFrontOriginAccessIdentitySummary", {&attributes, &resource.config()});
  };
  return {std::move(family),
          {{"CreateCloudFrontOriginAccessIdentity", Verb::kCreate},
           {"GetCloudFrontOriginAccessIdentity", Verb::kGet},
           {"GetCloudFrontOriginAccessIdentityConfig", Verb::kGetConfig},
           {"UpdateCloudFrontOriginAccessIdentity", Verb::kUpdate},
           {"DeleteCloudFrontOriginAccessIdentity", Verb::kDelete},
           {"ListCloudFrontOriginAccessIdentities", Verb::kList}},
          {errors::InvalidArgument}};
}

}  // namespace

const engine::FamilyDefinition& OriginAccessIdentityDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

}  // namespace cfl::families
