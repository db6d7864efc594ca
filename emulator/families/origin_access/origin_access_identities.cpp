#include "emulator/families/origin_access/origin_access_identities.h"

#include "emulator/common/ids.h"
#include "emulator/engine/crud_operations.h"
#include "emulator/families/distributions/distribution_references.h"
#include "emulator/engine/projection.h"

namespace cfl::handlers {
namespace {

ResourceFamily MakeFamily() {
  ResourceFamily family;
  family.kind = "origin-access-identity";
  family.not_found_code = "NoSuchCloudFrontOriginAccessIdentity";
  family.not_found_message = "The specified origin access identity does not exist.";
  family.already_exists_code = "CloudFrontOriginAccessIdentityAlreadyExists";
  family.already_exists_message =
      "If the CallerReference is a value you already sent in a previous request to create an identity but the "
      "content of the CloudFrontOriginAccessIdentityConfig is different from the original request, CloudFront "
      "returns a CloudFrontOriginAccessIdentityAlreadyExists error. Already exists: {id}";
  family.caller_reference_member = "CallerReference";
  family.in_use_code = "CloudFrontOriginAccessIdentityInUse";
  family.in_use_message = "The Origin Access Identity specified is already in use.";
  family.limit_code = "TooManyCloudFrontOriginAccessIdentities";
  family.limit_message = "Processing your request would cause you to exceed the maximum number of origin access "
                         "identities allowed.";
  family.max_per_account = [](const RequestContext&) -> std::optional<std::int64_t> { return 100; };
  family.new_id = ids::DistributionId;
  family.new_metadata = [](const RequestContext&) { return Json{{"S3CanonicalUserId", ids::LowerHex(96)}}; };
  family.prepare = [](RequestContext&, Json& config, const Resource*) -> Result<Ok, ApiError> {
    if (config.value("Comment", "").size() > 128) return Fail(InvalidArgument("The parameter Comment is too long."));
    return Ok{};
  };
  family.replay_identical = true;
  return family;
}

Json Attributes(const Resource& resource) {
  return {{"Id", resource.id()}, {"S3CanonicalUserId", resource.metadata.value("S3CanonicalUserId", "")}};
}

}  // namespace

const ResourceFamily& OriginAccessIdentityFamily() {
  static const ResourceFamily family = MakeFamily();
  return family;
}

void RegisterOriginAccessIdentityHandlers(HandlerTable& table) {
  CrudSpec spec;
  spec.family = &OriginAccessIdentityFamily();
  spec.resource_member = "CloudFrontOriginAccessIdentity";
  spec.config_member = "CloudFrontOriginAccessIdentityConfig";
  spec.collection = "origin-access-identity/cloudfront";
  spec.list_operation = "ListCloudFrontOriginAccessIdentities";
  spec.list_member = "CloudFrontOriginAccessIdentityList";
  spec.render = [](const RequestContext&, const Resource& resource, bool) {
    Json identity = Attributes(resource);
    identity["CloudFrontOriginAccessIdentityConfig"] = resource.config;
    return identity;
  };
  spec.summarize = [](const RequestContext&, const Resource& resource) {
    const Json attributes = Attributes(resource);
    return Project("CloudFrontOriginAccessIdentitySummary", {&attributes, &resource.config});
  };
  spec.delete_guard = [](const std::string& id) { return Reference(reference::kOriginAccessIdentity, id); };
  RegisterCrud(table, spec);
}

}  // namespace cfl::handlers
