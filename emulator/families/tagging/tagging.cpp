// TagResource, UntagResource, ListTagsForResource: tags live beside a
// resource's config and never rotate its ETag. Which resources take tags is
// the families' say (Family::taggable), found by the ARN's resource type.
#include <algorithm>

#include "emulator/engine/operations.h"
#include "emulator/engine/registry.h"
#include "emulator/engine/resource_naming.h"
#include "emulator/engine/resources.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: written in the engine's terms

constexpr std::size_t kMaxTags = 50;

ApiError NoSuchResource() { return errors::NoSuchResource("The specified resource does not exist."); }

struct Target {
  const Family* family;
  Resource resource;
};

Result<Target, ApiError> FindTarget(RequestContext& ctx, const Json& input) {
  const std::string arn = StringMember(input, "Resource");
  const auto parsed = ParseArn(arn);
  if (!parsed) return Fail(errors::InvalidArgument("The ARN " + arn + " is not valid."));
  const auto* definition = Registry::Get().FindByArnType(parsed->type);
  if (!definition || !definition->family.taggable || parsed->account != ctx.account) return Fail(NoSuchResource());
  auto resource = LoadResource(ctx, definition->family, parsed->id);
  if (!resource) return Fail(NoSuchResource());
  return Target{&definition->family, std::move(resource).value()};
}

Json CurrentTags(const Resource& resource) { return resource.metadata.value("Tags", Json::array()); }

Result<Json, ApiError> SaveTags(RequestContext& ctx, Target& target, Json tags) {
  if (tags.size() > kMaxTags) return Fail(errors::InvalidTagging("Too many tags on the resource."));
  Json metadata = target.resource.metadata;
  metadata["Tags"] = std::move(tags);
  auto saved = UpdateMetadata(ctx, *target.family, target.resource.id(), std::move(metadata));
  if (!saved) return Fail(NoSuchResource());
  return Json::object();
}

Result<Json, ApiError> TagResource(RequestContext& ctx, const Json& input) {
  auto target = FindTarget(ctx, input);
  if (!target) return Fail(std::move(target).error());
  const Json& added = ItemsOf(MemberOf(input, "Tags"));
  if (auto problem = TagsProblem(added)) return Fail(errors::InvalidTagging(*problem));
  Json tags = CurrentTags(target->resource);
  for (const auto& tag : added) {
    auto same_key = [&](const Json& existing) { return existing.value("Key", "") == tag.value("Key", ""); };
    tags.erase(std::remove_if(tags.begin(), tags.end(), same_key), tags.end());
    tags.push_back(tag);
  }
  return SaveTags(ctx, target.value(), std::move(tags));
}

Result<Json, ApiError> UntagResource(RequestContext& ctx, const Json& input) {
  auto target = FindTarget(ctx, input);
  if (!target) return Fail(std::move(target).error());
  const Json& keys = ItemsOf(MemberOf(input, "TagKeys"));
  Json tags = CurrentTags(target->resource);
  auto removed = [&](const Json& tag) {
    return std::find(keys.begin(), keys.end(), tag.value("Key", "")) != keys.end();
  };
  tags.erase(std::remove_if(tags.begin(), tags.end(), removed), tags.end());
  return SaveTags(ctx, target.value(), std::move(tags));
}

Result<Json, ApiError> ListTagsForResource(RequestContext& ctx, const Json& input) {
  auto target = FindTarget(ctx, input);
  if (!target) return Fail(std::move(target).error());
  return Json{{"Tags", {{"Items", CurrentTags(target->resource)}}}};
}

}  // namespace

// Operations of no family of their own.
const engine::FamilyDefinition& TaggingDefinition() {
  static const engine::FamilyDefinition definition{
      {},
      {{"TagResource", Verb::kCustom, TagResource},
       {"UntagResource", Verb::kCustom, UntagResource},
       {"ListTagsForResource", Verb::kCustom, ListTagsForResource}},
      {errors::InvalidArgument, errors::InvalidTagging, errors::NoSuchResource}};
  return definition;
}

}  // namespace cfl::families
