#include "emulator/families/origin_access/origin_access_controls.h"

#include "emulator/common/ids.h"
#include "emulator/engine/crud_operations.h"
#include "emulator/families/distributions/distribution_references.h"
#include "emulator/engine/projection.h"

namespace cfl::handlers {
namespace {

ResourceFamily MakeFamily() {
  ResourceFamily family;
  family.kind = "origin-access-control";
  family.not_found_code = "NoSuchOriginAccessControl";
  family.not_found_message = "The origin access control does not exist.";
  family.already_exists_code = "OriginAccessControlAlreadyExists";
  family.already_exists_message =
      "An origin access control with the same name already exists: {id}";
  family.unique_name_member = "Name";
  family.in_use_code = "OriginAccessControlInUse";
  family.in_use_message = "Cannot delete the origin access control because it's in use by one or more distributions.";
  family.limit_code = "TooManyOriginAccessControls";
  family.limit_message = "The number of origin access controls in your Amazon Web Services account exceeds the "
                         "maximum allowed.";
  family.max_per_account = [](const RequestContext&) -> std::optional<std::int64_t> { return 100; };
  family.new_id = ids::DistributionId;
  family.prepare = [](RequestContext&, Json& config, const Resource*) -> Result<Ok, ApiError> {
    SetDefault(config, "Description", "");
    if (config.value("Name", "").empty() || config.value("Name", "").size() > 64) {
      return Fail(InvalidArgument("The parameter Name must be between 1 and 64 characters."));
    }
    return Ok{};
  };
  return family;
}

}  // namespace

const ResourceFamily& OriginAccessControlFamily() {
  static const ResourceFamily family = MakeFamily();
  return family;
}

void RegisterOriginAccessControlHandlers(HandlerTable& table) {
  CrudSpec spec;
  spec.family = &OriginAccessControlFamily();
  spec.resource_member = "OriginAccessControl";
  spec.config_member = "OriginAccessControlConfig";
  spec.collection = "origin-access-control";
  spec.list_operation = "ListOriginAccessControls";
  spec.list_member = "OriginAccessControlList";
  spec.render = [](const RequestContext&, const Resource& resource, bool) {
    return Json{{"Id", resource.id()}, {"OriginAccessControlConfig", resource.config}};
  };
  spec.summarize = [](const RequestContext&, const Resource& resource) {
    const Json id = {{"Id", resource.id()}};
    return Project("OriginAccessControlSummary", {&id, &resource.config});
  };
  spec.delete_guard = [](const std::string& id) { return Reference(reference::kOriginAccessControl, id); };
  RegisterCrud(table, spec);
}

}  // namespace cfl::handlers
