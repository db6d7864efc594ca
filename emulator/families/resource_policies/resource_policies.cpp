// PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy: the policy with
// which the owner shares a CloudFront resource (a VPC origin, a distribution,
// any resource with an ARN here). The policy is kept beside the resource's
// config, like its tags: it never rotates the resource's ETag, and goes with
// the resource.
#include "emulator/engine/registry.h"
#include "emulator/engine/resource_naming.h"
#include "emulator/engine/resources.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: written in the engine's terms

// IAM's limit for a resource-based policy document.
constexpr std::size_t kMaxPolicySize = 20480;
constexpr std::string_view kPolicyMember = "ResourcePolicy";

struct Target {
  const Family* family;
  Resource resource;
};

Result<Target, ApiError> FindTarget(RequestContext& ctx, const Json& input) {
  const std::string arn = StringMember(input, "ResourceArn");
  const auto parsed = ParseArn(arn);
  if (!parsed) return Fail(errors::InvalidArgument("The parameter ResourceArn is not a valid ARN: " + arn));
  const auto* definition = Registry::Get().FindByArnType(parsed->type);
  if (!definition) {
    return Fail(errors::UnsupportedOperation("A " + parsed->type + " can't have a resource policy."));
  }
  if (parsed->account != ctx.account) return Fail(errors::EntityNotFound("The resource does not exist: " + arn));
  auto resource = LoadResource(ctx, definition->family, parsed->id);
  if (!resource) return Fail(errors::EntityNotFound("The resource does not exist: " + arn));
  return Target{&definition->family, std::move(resource).value()};
}

// A JSON object with Version and Statement, as IAM policy documents are.
Result<Ok, ApiError> CheckPolicy(const std::string& text) {
  if (text.size() > kMaxPolicySize) {
    return Fail(errors::InvalidArgument("The policy document exceeds the maximum of 20480 characters."));
  }
  const Json policy = Json::parse(text, nullptr, false);
  if (!policy.is_object() || !policy.contains("Statement") || !policy.contains("Version")) {
    return Fail(errors::InvalidArgument("The policy document must be a JSON object with Version and Statement."));
  }
  return Ok{};
}

Result<Json, ApiError> SaveMetadata(RequestContext& ctx, const Target& target, Json metadata) {
  auto saved = UpdateMetadata(ctx, *target.family, target.resource.id(), std::move(metadata));
  if (!saved) return Fail(errors::EntityNotFound("The resource does not exist."));
  return Json::object();
}

Result<Json, ApiError> PutResourcePolicy(RequestContext& ctx, const Json& input) {
  auto target = FindTarget(ctx, input);
  if (!target) return Fail(std::move(target).error());
  const std::string policy = StringMember(input, "PolicyDocument");
  if (auto check = CheckPolicy(policy); !check) return Fail(std::move(check).error());
  Json metadata = target->resource.metadata;
  metadata[kPolicyMember] = policy;
  if (auto saved = SaveMetadata(ctx, target.value(), std::move(metadata)); !saved) return saved;
  return Json{{"ResourceArn", StringMember(input, "ResourceArn")}};
}

Result<Json, ApiError> GetResourcePolicy(RequestContext& ctx, const Json& input) {
  auto target = FindTarget(ctx, input);
  if (!target) return Fail(std::move(target).error());
  const std::string policy = StringMember(target->resource.metadata, kPolicyMember);
  if (policy.empty()) return Fail(errors::EntityNotFound("The resource has no resource policy."));
  return Json{{"ResourceArn", StringMember(input, "ResourceArn")}, {"PolicyDocument", policy}};
}

Result<Json, ApiError> DeleteResourcePolicy(RequestContext& ctx, const Json& input) {
  auto target = FindTarget(ctx, input);
  if (!target) return Fail(std::move(target).error());
  Json metadata = target->resource.metadata;
  if (metadata.erase(kPolicyMember) == 0) return Fail(errors::EntityNotFound("The resource has no resource policy."));
  return SaveMetadata(ctx, target.value(), std::move(metadata));
}

}  // namespace

// Operations of no family of their own.
const engine::FamilyDefinition& ResourcePolicyDefinition() {
  const std::vector<ErrorSpec> raised = {errors::InvalidArgument, errors::UnsupportedOperation, errors::EntityNotFound};
  static const engine::FamilyDefinition definition{{},
                                                   {{"PutResourcePolicy", Verb::kCustom, PutResourcePolicy},
                                                    {"GetResourcePolicy", Verb::kCustom, GetResourcePolicy},
                                                    {"DeleteResourcePolicy", Verb::kCustom, DeleteResourcePolicy}},
                                                   raised};
  return definition;
}

}  // namespace cfl::families
