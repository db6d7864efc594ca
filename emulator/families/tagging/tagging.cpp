// TagResource, UntagResource, ListTagsForResource: tags live beside a
// resource's config and never rotate its ETag.
#include "emulator/families/distributions/distributions.h"
#include "emulator/engine/resource_naming.h"
#include "emulator/families/streaming/streaming_distributions.h"
#include "emulator/families/tagging/tagging.h"

namespace cfl::handlers {
namespace {

constexpr std::size_t kMaxTags = 50;

ApiError NoSuchResource() { return MakeError("NoSuchResource", "The specified resource does not exist."); }

const ResourceFamily* TaggableFamily(std::string_view arn_type) {
  if (arn_type == "distribution") return &DistributionFamily();
  if (arn_type == "streaming-distribution") return &StreamingDistributionFamily();
  return nullptr;
}

struct Target {
  const ResourceFamily* family;
  Resource resource;
};

Result<Target, ApiError> FindTarget(RequestContext& ctx, const Json& input) {
  const std::string arn = StringMember(input, "Resource");
  const auto parsed = ParseArn(arn);
  if (!parsed) return Fail(InvalidArgument("The ARN " + arn + " is not valid."));
  const ResourceFamily* family = TaggableFamily(parsed->type);
  if (!family || parsed->account != ctx.account) return Fail(NoSuchResource());
  auto resource = LoadResource(ctx, *family, parsed->id);
  if (!resource) return Fail(NoSuchResource());
  return Target{family, std::move(resource).value()};
}

Json CurrentTags(const Resource& resource) { return resource.metadata.value("Tags", Json::array()); }

Result<Json, ApiError> SaveTags(RequestContext& ctx, Target& target, Json tags) {
  if (tags.size() > kMaxTags) return Fail(MakeError("InvalidTagging", "Too many tags on the resource."));
  Json metadata = target.resource.metadata;
  metadata["Tags"] = std::move(tags);
  auto saved = UpdateMetadata(ctx, *target.family, target.resource.id(), std::move(metadata));
  if (!saved) return Fail(NoSuchResource());
  return Json::object();
}

Result<Json, ApiError> TagResource(RequestContext& ctx, const Json& input) {
  auto target = FindTarget(ctx, input);
  if (!target) return Fail(std::move(target).error());
  Json tags = CurrentTags(target->resource);
  for (const auto& tag : input.value("Tags", Json::object()).value("Items", Json::array())) {
    auto same_key = [&](const Json& existing) { return existing.value("Key", "") == tag.value("Key", ""); };
    tags.erase(std::remove_if(tags.begin(), tags.end(), same_key), tags.end());
    tags.push_back(tag);
  }
  return SaveTags(ctx, target.value(), std::move(tags));
}

Result<Json, ApiError> UntagResource(RequestContext& ctx, const Json& input) {
  auto target = FindTarget(ctx, input);
  if (!target) return Fail(std::move(target).error());
  const Json keys = input.value("TagKeys", Json::object()).value("Items", Json::array());
  Json tags = CurrentTags(target->resource);
  auto removed = [&](const Json& tag) { return std::find(keys.begin(), keys.end(), tag.value("Key", "")) != keys.end(); };
  tags.erase(std::remove_if(tags.begin(), tags.end(), removed), tags.end());
  return SaveTags(ctx, target.value(), std::move(tags));
}

Result<Json, ApiError> ListTagsForResource(RequestContext& ctx, const Json& input) {
  auto target = FindTarget(ctx, input);
  if (!target) return Fail(std::move(target).error());
  return Json{{"Tags", {{"Items", CurrentTags(target->resource)}}}};
}

}  // namespace

void RegisterTaggingHandlers(HandlerTable& table) {
  table["TagResource"] = TagResource;
  table["UntagResource"] = UntagResource;
  table["ListTagsForResource"] = ListTagsForResource;
}

}  // namespace cfl::handlers
