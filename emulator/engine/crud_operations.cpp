#include "emulator/engine/crud_operations.h"

#include "emulator/codec/encoded_views.h"
#include "emulator/engine/resource_naming.h"
#include "emulator/codec/xml_codec.h"

namespace cfl::handlers {
namespace {

// The shapes of what Get and List answer, read from the model once.
struct ViewShapes {
  model::ShapeId resource;  // e.g. Distribution
  model::ShapeId list;      // e.g. DistributionList
  model::ShapeId summary;   // e.g. DistributionSummary
};

model::ShapeId MemberShape(model::ShapeId structure, std::string_view member) {
  const auto* found = model::FindMember(model::Shape(structure), member);
  if (!found) throw std::logic_error("the model has no member " + std::string(member));
  return found->shape;
}

model::ShapeId OutputShape(std::string_view operation) {
  const auto* found = model::FindOperation(operation);
  if (!found) throw std::logic_error("the model has no operation " + std::string(operation));
  return found->output;
}

ViewShapes FindViewShapes(const CrudSpec& spec) {
  const auto list = MemberShape(OutputShape(spec.list_operation), spec.list_member);
  return {MemberShape(OutputShape("Get" + spec.resource_member), spec.resource_member), list,
          model::Shape(MemberShape(list, "Items")).list_member};
}

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

Result<Json, ApiError> Get(const CrudSpec& spec, const ViewShapes& shapes, RequestContext& ctx, const Json& input) {
  auto record = LoadRecord(ctx, *spec.family, StringMember(input, "Id"));
  if (!record) return Fail(std::move(record).error());
  const auto render = [&](const Resource& resource) { return spec.render(ctx, resource, false); };
  const std::string variant = spec.render_variant ? spec.render_variant(ctx, record.value()) : "";
  return Json{{spec.resource_member, EncodedView(ctx, record.value(), shapes.resource, variant, render)},
              {"ETag", record->etag}};
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

// Summaries depend only on each record and its settling, so whole pages are
// kept too (EncodedPages); a miss still reuses each unchanged summary.
Result<Json, ApiError> List(const CrudSpec& spec, const ViewShapes& shapes, RequestContext& ctx, const Json& input) {
  std::string key = EncodedPages::Key(ctx, spec.list_operation, input);
  if (auto kept = EncodedPages::Find(ctx, key)) return Json{{spec.list_member, std::move(*kept)}};
  auto page = ListRecords(ctx, *spec.family, input);
  if (!page) return Fail(std::move(page).error());
  const auto summarize = [&](const Resource& resource) { return spec.summarize(ctx, resource); };
  Json items = Json::array();
  for (const auto& record : page->records) items.push_back(EncodedView(ctx, record, shapes.summary, "", summarize));
  std::string content = model::EncodeXmlContent(ListEnvelope(page.value(), std::move(items)), shapes.list);
  Json answer = {{spec.list_member, model::PreEncodedXml(content)}};
  EncodedPages::Keep(ctx, std::move(key), page->records, std::move(content));
  return answer;
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
  const ViewShapes shapes = FindViewShapes(spec);
  table["Get" + name] = [spec, shapes](RequestContext& ctx, const Json& input) { return Get(spec, shapes, ctx, input); };
  table["Get" + name + "Config"] = [spec](RequestContext& ctx, const Json& input) {
    return GetConfig(spec, ctx, input);
  };
  table["Update" + name] = [spec](RequestContext& ctx, const Json& input) { return Update(spec, ctx, input); };
  table["Delete" + name] = [spec](RequestContext& ctx, const Json& input) { return Delete(spec, ctx, input); };
  table[spec.list_operation] = [spec, shapes](RequestContext& ctx, const Json& input) {
    return List(spec, shapes, ctx, input);
  };
}

}  // namespace cfl::handlers
