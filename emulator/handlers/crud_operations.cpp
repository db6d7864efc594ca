#include "emulator/handlers/crud_operations.h"

#include "emulator/handlers/resource_naming.h"

namespace cfl::handlers {
namespace {

Json Changed(const CrudSpec& spec, const RequestContext& ctx, const Resource& resource) {
  return {{spec.resource_member, spec.render(ctx, resource, true)}, {"ETag", resource.etag()}};
}

Result<Json, ApiError> Create(const CrudSpec& spec, RequestContext& ctx, Json config, Json tags) {
  CreateOptions options;
  if (!tags.is_null()) options.metadata["Tags"] = TagItems(tags);
  auto created = CreateResource(ctx, *spec.family, std::move(config), std::move(options));
  if (!created) return Fail(std::move(created).error());
  Json output = Changed(spec, ctx, created.value());
  output["Location"] = LocationUrl(spec.collection, created->id());
  return output;
}

Result<Json, ApiError> Get(const CrudSpec& spec, RequestContext& ctx, const Json& input) {
  auto resource = LoadResource(ctx, *spec.family, StringMember(input, "Id"));
  if (!resource) return Fail(std::move(resource).error());
  return Json{{spec.resource_member, spec.render(ctx, resource.value(), false)}, {"ETag", resource->etag()}};
}

Result<Json, ApiError> GetConfig(const CrudSpec& spec, RequestContext& ctx, const Json& input) {
  auto resource = LoadResource(ctx, *spec.family, StringMember(input, "Id"));
  if (!resource) return Fail(std::move(resource).error());
  return Json{{spec.config_member, resource->config}, {"ETag", resource->etag()}};
}

Result<Json, ApiError> Update(const CrudSpec& spec, RequestContext& ctx, const Json& input) {
  auto updated = UpdateResource(ctx, *spec.family, StringMember(input, "Id"), input.value("IfMatch", Json()),
                                input.value(spec.config_member, Json::object()));
  if (!updated) return Fail(std::move(updated).error());
  return Changed(spec, ctx, updated.value());
}

Result<Json, ApiError> Delete(const CrudSpec& spec, RequestContext& ctx, const Json& input) {
  const std::string id = StringMember(input, "Id");
  std::optional<std::string> guard;
  if (spec.delete_guard) guard = spec.delete_guard(id);
  auto deleted = DeleteResource(ctx, *spec.family, id, input.value("IfMatch", Json()), spec.may_delete, guard);
  if (!deleted) return Fail(std::move(deleted).error());
  return Json::object();
}

Result<Json, ApiError> List(const CrudSpec& spec, RequestContext& ctx, const Json& input) {
  auto page = ListResources(ctx, *spec.family, input);
  if (!page) return Fail(std::move(page).error());
  Json items = Json::array();
  for (const auto& resource : page->items) items.push_back(spec.summarize(ctx, resource));
  return Json{{spec.list_member, ListEnvelope(page.value(), std::move(items))}};
}

}  // namespace

Json TagItems(const Json& tags) {
  const auto items = tags.find("Items");
  return items != tags.end() && items->is_array() ? *items : Json::array();
}

void RegisterCrud(HandlerTable& table, const CrudSpec& spec) {
  const std::string& name = spec.resource_member;
  table["Create" + name] = [spec](RequestContext& ctx, const Json& input) {
    return Create(spec, ctx, input.value(spec.config_member, Json::object()), Json());
  };
  if (spec.with_tags) {
    table["Create" + name + "WithTags"] = [spec](RequestContext& ctx, const Json& input) {
      const Json wrapper = input.value(spec.config_member + "WithTags", Json::object());
      return Create(spec, ctx, wrapper.value(spec.config_member, Json::object()),
                    wrapper.value("Tags", Json::object()));
    };
  }
  table["Get" + name] = [spec](RequestContext& ctx, const Json& input) { return Get(spec, ctx, input); };
  table["Get" + name + "Config"] = [spec](RequestContext& ctx, const Json& input) {
    return GetConfig(spec, ctx, input);
  };
  table["Update" + name] = [spec](RequestContext& ctx, const Json& input) { return Update(spec, ctx, input); };
  table["Delete" + name] = [spec](RequestContext& ctx, const Json& input) { return Delete(spec, ctx, input); };
  table[spec.list_operation] = [spec](RequestContext& ctx, const Json& input) { return List(spec, ctx, input); };
}

}  // namespace cfl::handlers
