// Origin access controls (S3 origin access with SigV4): Create, Get,
// GetConfig, Update, Delete, List. Names are unique per account.
#include "emulator/common/ids.h"
#include "emulator/engine/family.h"
#include "emulator/engine/projection.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

Result<Ok, ApiError> Prepare(RequestContext&, Json& config, const Resource*) {
  SetDefault(config, "Description", "");
  if (config.value("Name", "").empty() || config.value("Name", "").size() > 64) {
    return Fail(errors::InvalidArgument("The parameter Name must be between 1 and 64 characters."));
  }
  return Ok{};
}

FamilyDefinition MakeDefinition() {
  Family family;
  family.kind = "origin-access-control";
  family.noun = "origin access control";
  family.errors = {.not_found = errors::NoSuchOriginAccessControl,
                   .already_exists = errors::OriginAccessControlAlreadyExists,
                   .limit = errors::TooManyOriginAccessControls};
  family.unique_name_member = "Name";
  family.max_per_account = [](const RequestContext&) -> std::optional<std::int64_t> { return 100; };
  family.new_id = ids::DistributionId;
  family.prepare = Prepare;
  family.render = [](const RequestContext&, const Resource& resource, bool) {
    return Json{{"Id", resource.id()}, {"OriginAccessControlConfig", resource.ConfigForAnswer()}};
  };
  family.summarize = [](const RequestContext&, const Resource& resource) {
    const Json id = {{"Id", resource.id()}};
    return Project("OriginAccessControlSummary", {&id, &resource.config()});
  };
  return {std::move(family),
          {{"CreateOriginAccessControl", Verb::kCreate},
           {"GetOriginAccessControl", Verb::kGet},
           {"GetOriginAccessControlConfig", Verb::kGetConfig},
           {"UpdateOriginAccessControl", Verb::kUpdate},
           {"DeleteOriginAccessControl", Verb::kDelete},
           {"ListOriginAccessControls", Verb::kList}},
          {errors::InvalidArgument}};
}

}  // namespace

const engine::FamilyDefinition& OriginAccessControlDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

}  // namespace cfl::families
