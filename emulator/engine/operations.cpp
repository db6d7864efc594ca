#include "emulator/engine/operations.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <set>
#include <stdexcept>

#include "emulator/codec/encoded_documents.h"
#include "emulator/codec/encoded_views.h"
#include "emulator/codec/xml_codec.h"
#include "emulator/engine/references.h"
#include "emulator/engine/registry.h"
#include "emulator/engine/resource_naming.h"
#include "emulator/engine/resources.h"

namespace cfl::engine {
namespace {

using model::Location;

// The labels of a path template, in order: "/a/{X}/b/{Y}" → X, Y.
std::vector<std::string> PathLabels(std::string_view path) {
  std::vector<std::string> labels;
  for (auto open = path.find('{'); open != std::string_view::npos; open = path.find('{', open + 1)) {
    const auto close = path.find('}', open);
    if (close == std::string_view::npos) break;
    std::string label(path.substr(open + 1, close - open - 1));
    if (label.ends_with('+')) label.pop_back();  // greedy labels
    labels.push_back(std::move(label));
  }
  return labels;
}

// The member of structure bound to the URI label wire_name.
std::string MemberOfLabel(const model::ShapeDef& structure, std::string_view wire_name) {
  for (const auto& member : structure.members) {
    if (member.location == Location::kUri && member.wire_name == wire_name) return std::string(member.name);
  }
  return std::string(wire_name);
}

const model::MemberDef* FindHeader(const model::ShapeDef& structure, std::string_view name) {
  const auto* member = model::FindMember(structure, name);
  return member && member->location == Location::kHeader ? member : nullptr;
}

void FindInputMembers(OperationMembers& found) {
  if (found.operation->input == model::kNoShape) return;
  const auto& input = model::Shape(found.operation->input);
  const auto labels = PathLabels(found.operation->path);
  if (!labels.empty()) found.key = MemberOfLabel(input, labels.back());
  if (labels.size() >= 2) found.parent = MemberOfLabel(input, labels[labels.size() - 2]);
  if (input.payload.empty()) {
    // {XConfig, Tags} as body members (CreateVpcOrigin): XConfig is the config, as in Create…WithTags.
    const model::MemberDef* only = nullptr;
    std::size_t body_members = 0;
    for (const auto& member : input.members) {
      if (member.location != Location::kBody || member.name == "Tags") continue;
      ++body_members;
      only = &member;
    }
    if (body_members == 1 && model::Shape(only->shape).type == model::ShapeType::kStructure) {
      found.config_member = std::string(only->name);
    }
    return;
  }
  const auto* payload = model::FindMember(input, input.payload);
  if (!payload || model::Shape(payload->shape).type != model::ShapeType::kStructure) return;
  found.config = std::string(payload->name);
  const auto& payload_shape = model::Shape(payload->shape);
  // Create…WithTags: {XConfig, Tags}.
  if (payload_shape.members.size() == 2 && model::FindMember(payload_shape, "Tags")) {
    found.config_with_tags = true;
    for (const auto& member : payload_shape.members) {
      if (member.name != "Tags") found.config_member = std::string(member.name);
    }
  }
}

void FindOutputMembers(OperationMembers& found) {
  if (found.operation->output == model::kNoShape) return;
  const auto& output = model::Shape(found.operation->output);
  found.etag = FindHeader(output, "ETag") != nullptr;
  found.location = FindHeader(output, "Location") != nullptr;
  const model::MemberDef* answer = output.payload.empty() ? nullptr : model::FindMember(output, output.payload);
  if (!answer) {
    for (const auto& member : output.members) {
      if (member.location == Location::kBody) answer = &member;
    }
  }
  if (answer) {
    found.answer = std::string(answer->name);
    found.answer_shape = answer->shape;
  }
}

// The shape of the config an input carries: its payload, or the config
// member in the payload or among the body members.
model::ShapeId InputConfigShape(const OperationMembers& found) {
  const auto& input = model::Shape(found.operation->input);
  if (found.config.empty() && found.config_member.empty()) return model::kNoShape;
  const auto* config = model::FindMember(input, found.config.empty() ? found.config_member : found.config);
  if (!config) return model::kNoShape;
  if (!found.config_with_tags) return config->shape;
  const auto* inner = model::FindMember(model::Shape(config->shape), found.config_member);
  return inner ? inner->shape : model::kNoShape;
}

// An XML answer whose structure has a body member of the shape of the config
// the input carries (a Distribution's DistributionConfig): its render may put
// the stored document's kept encoding there (Resource::ConfigForAnswer).
void FindAnswerConfigShape(OperationMembers& found) {
  if (found.answer_shape == model::kNoShape || found.operation->input == model::kNoShape) return;
  if (model::ServiceOf(*found.operation).protocol != model::ProtocolKind::kRestXml) return;
  const auto& answer = model::Shape(found.answer_shape);
  if (answer.type != model::ShapeType::kStructure) return;
  const model::ShapeId config = InputConfigShape(found);
  if (config == model::kNoShape) return;
  for (const auto& member : answer.members) {
    if (member.location == Location::kBody && member.shape == config) found.answer_config_shape = config;
  }
}

// ---- the verbs ----

// A per-stage family's LIVE stage: the family with LiveKind. Shared, never
// copied: family.kind points into kind.
struct LiveStage {
  std::string kind;
  Family family;
};

std::shared_ptr<const LiveStage> MakeLiveStage(const Family& development) {
  auto live = std::make_shared<LiveStage>();
  live->kind = LiveKind(development.kind);
  live->family = development;
  live->family.kind = live->kind;
  return live;
}

struct Context {
  const Family* family;
  std::shared_ptr<const LiveStage> live;  // per-stage families only
  OperationMembers members;
  std::string location_template;  // the Get operation's path, for Location

  // The stage of the family that input's Stage member names (DEVELOPMENT when absent).
  const Family& Staged(const Json& input) const {
    return live && StringMember(input, "Stage") == kLiveStage ? live->family : *family;
  }
};

Result<Ok, ApiError> RequireParent(RequestContext& ctx, const Family& family, const std::string& parent_id) {
  const auto* parent = Registry::Get().FindFamily(family.parent_kind);
  if (!parent) return Fail(errors::InternalError("no family of kind " + std::string(family.parent_kind)));
  if (auto loaded = LoadRecord(ctx, parent->family, parent_id); !loaded) return Fail(std::move(loaded).error());
  return Ok{};
}

std::string LocationOf(const Context& c, const Resource& resource) {
  std::string path = c.location_template;
  const auto labels = PathLabels(path);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const bool last = i + 1 == labels.size();
    // The path names the resource by the config member of the label's name
    // when it has one (a key value store's Name), else by its id.
    const auto named = resource.config().find(labels[i]);
    const bool by_member = last && named != resource.config().end() && named->is_string();
    const std::string value = by_member ? named->get<std::string>() : last ? resource.id() : resource.record.parent;
    const std::string label = "{" + labels[i] + "}";
    if (const auto at = path.find(label); at != std::string::npos) path.replace(at, label.size(), value);
  }
  return "https://cloudfront.amazonaws.com" + path;
}

// A rendered answer's member that is the resource's config as stored (a
// Distribution's DistributionConfig) becomes the stored document's encoding,
// kept by the document: writes of the same config encode it once. Checked by
// value, so a family that renders the config changed keeps its own encoding.
void EncodeStoredConfig(const Context& c, Json& view, const Resource& resource) {
  const auto& operation = *c.members.operation;
  if (c.members.answer.empty() || model::ServiceOf(operation).protocol != model::ProtocolKind::kRestXml ||
      !view.is_object()) {
    return;
  }
  if (view == resource.config()) {  // GetDistributionConfig
    view = model::EncodedDocument(resource.record.document, resource.config(), c.members.answer_shape);
    return;
  }
  const auto& shape = model::Shape(c.members.answer_shape);
  if (shape.type != model::ShapeType::kStructure) return;
  for (const auto& member : shape.members) {
    if (member.location != Location::kBody) continue;
    Json* found = FindJsonMember(view, member.name);
    if (found == nullptr || !found->is_object() || *found != resource.config()) continue;
    *found = model::EncodedDocument(resource.record.document, resource.config(), member.shape);
  }
}

Json Answer(const Context& c, Json view, const Resource& resource) {
  EncodeStoredConfig(c, view, resource);
  Json output = Json::object();
  if (!c.members.answer.empty()) output[c.members.answer] = std::move(view);
  if (c.members.etag) output["ETag"] = resource.etag();
  return output;
}

Result<Json, ApiError> Create(const Context& c, RequestContext& ctx, Json input) {
  const Family& family = *c.family;
  CreateOptions options;
  if (Json tags = TagsOf(c.members, input); !tags.is_null()) {
    // InvalidTagging where the model lists it; CreateFunction and
    // CreateKeyValueStore list only InvalidArgument for a bad input.
    if (auto problem = TagsProblem(tags)) {
      return Fail(model::ListsError(*c.members.operation, "InvalidTagging") ? errors::InvalidTagging(*problem)
                                                                     : errors::InvalidArgument(*problem));
    }
    options.metadata["Tags"] = std::move(tags);
  }
  if (!family.parent_kind.empty()) {
    options.parent = StringMember(input, c.members.key);
    // Checked here to answer the parent's absence first; the store checks again in the transaction.
    if (auto parent = RequireParent(ctx, family, options.parent); !parent) return Fail(std::move(parent).error());
    if (family.keyed_by_parent) options.id = options.parent;
  }
  bool replayed = false;
  auto created = CreateResource(ctx, family, ConfigOf(c.members, std::move(input)), std::move(options), &replayed);
  if (!created) return Fail(std::move(created).error());
  created->answer_config_shape = c.members.answer_config_shape;
  Json output = Answer(c, family.render(ctx, created.value(), !replayed), created.value());
  if (c.members.location) output["Location"] = LocationOf(c, created.value());
  return output;
}

// The id of the resource the input names: its path label, or for a family
// named in the body (real-time log configs) its id member or else its ARN.
Result<std::string, ApiError> NamedId(const Context& c, RequestContext& ctx, const Json& input) {
  if (!c.members.key.empty()) {
    std::string key = StringMember(input, c.members.key);
    // A family whose key member is not its id (a key value store's Name) finds the id.
    if (!c.family->find_id) return key;
    return c.family->find_id(ctx, key).value_or("");
  }
  const Family& family = *c.family;
  const std::string name = StringMember(input, family.id_member);
  const std::string arn = StringMember(input, "ARN");
  if (arn.empty()) {
    if (name.empty()) return Fail(errors::InvalidArgument("The " + std::string(family.id_member) + " or the ARN of the " +
                                                          std::string(family.noun) + " is required."));
    return name;
  }
  const auto parsed = ParseArn(arn);
  if (!parsed || parsed->type != family.arn_type) {
    return Fail(errors::InvalidArgument("The ARN is not the ARN of a " + std::string(family.noun) + ": " + arn));
  }
  if (!name.empty() && name != parsed->id) {
    return Fail(errors::InvalidArgument("The " + std::string(family.id_member) + " and the ARN name different " +
                                        std::string(family.noun) + "s."));
  }
  if (parsed->account != ctx.account) return Fail(family.errors.not_found());
  return parsed->id;
}

// The record a Get or GetConfig names: under its parent when the family has one.
Result<store::Record, ApiError> LoadNamed(const Context& c, RequestContext& ctx, const Json& input) {
  const Family& family = c.Staged(input);
  auto id = NamedId(c, ctx, input);
  if (!id) return Fail(std::move(id).error());
  auto record = LoadRecord(ctx, family, id.value());
  if (!family.parent_kind.empty()) {
    const std::string parent_id = StringMember(input, family.keyed_by_parent ? c.members.key : c.members.parent);
    if (auto parent = RequireParent(ctx, family, parent_id); !parent) return Fail(std::move(parent).error());
    if (record && record->parent != parent_id) return Fail(family.errors.not_found());
  }
  return record;
}

Result<Json, ApiError> Get(const Context& c, RequestContext& ctx, const Json& input) {
  const Family& family = c.Staged(input);
  if (const auto* managed = FindManaged(family.managed, StringMember(input, c.members.key))) {
    Json output = {{c.members.answer, family.render_managed(*managed)}};
    if (c.members.etag) output["ETag"] = managed->etag;
    return output;
  }
  auto record = LoadNamed(c, ctx, input);
  if (!record) return Fail(std::move(record).error());
  const std::string variant = family.render_variant ? family.render_variant(ctx, record.value()) : "";
  Json view = model::EncodedView(ctx.now_ms, record.value(), c.members.answer_shape, variant,
                                 [&] { return family.render(ctx, ResourceOf(record.value()), false); });
  Json output = {{c.members.answer, std::move(view)}};
  if (c.members.etag) output["ETag"] = record->etag;
  return output;
}

Result<Json, ApiError> GetConfig(const Context& c, RequestContext& ctx, const Json& input) {
  if (const auto* managed = FindManaged(c.family->managed, StringMember(input, c.members.key))) {
    return Json{{c.members.answer, managed->config}, {"ETag", managed->etag}};
  }
  auto record = LoadNamed(c, ctx, input);
  if (!record) return Fail(std::move(record).error());
  const Resource resource = ResourceOf(std::move(record).value());
  return Answer(c, resource.config(), resource);
}

Result<Json, ApiError> Update(const Context& c, RequestContext& ctx, Json input) {
  const Family& family = *c.family;
  auto named = NamedId(c, ctx, input);
  if (!named) return Fail(std::move(named).error());
  const std::string& id = named.value();
  if (FindManaged(family.managed, id)) {
    return Fail(errors::IllegalUpdate("The update contains modifications that are not allowed: a managed " +
                                      std::string(family.noun) + " can't be changed."));
  }
  const Json if_match = input.value("IfMatch", Json());
  auto updated = UpdateResource(ctx, family, id, if_match, ConfigOf(c.members, std::move(input)));
  if (!updated) return Fail(std::move(updated).error());
  updated->answer_config_shape = c.members.answer_config_shape;
  return Answer(c, family.render(ctx, updated.value(), true), updated.value());
}

Result<Json, ApiError> Delete(const Context& c, RequestContext& ctx, const Json& input) {
  const Family& family = *c.family;
  auto named = NamedId(c, ctx, input);
  if (!named) return Fail(std::move(named).error());
  const std::string& id = named.value();
  if (FindManaged(family.managed, id)) {
    return Fail(errors::IllegalDelete("Deletion is not allowed for this entity: a managed " + std::string(family.noun) +
                                      " can't be deleted."));
  }
  if (family.keyed_by_parent) {
    if (auto parent = RequireParent(ctx, family, id); !parent) return Fail(std::move(parent).error());
  }
  auto deleted = DeleteResource(ctx, family, id, input.value("IfMatch", Json()));
  if (!deleted) return Fail(std::move(deleted).error());
  // DeleteVpcOrigin answers the resource as it goes.
  if (c.members.answer.empty() || !family.render_deleted) return Json::object();
  return Answer(c, family.render_deleted(ctx, deleted.value()), deleted.value());
}

Result<Json, ApiError> Publish(const Context& c, RequestContext& ctx, const Json& input) {
  auto named = NamedId(c, ctx, input);
  if (!named) return Fail(std::move(named).error());
  auto published = PublishResource(ctx, *c.family, c.live->family, named.value(), input.value("IfMatch", Json()));
  if (!published) return Fail(std::move(published).error());
  return Answer(c, c.family->render(ctx, published.value(), true), published.value());
}

// Whether a list answer is the items themselves beside a NextMarker member
// (ListConnectionFunctions: {NextMarker, ConnectionFunctions: [item]}),
// rather than CloudFront's envelope {Marker, …, Items: [item]}.
bool IsFlatList(model::ShapeId list) { return model::Shape(list).type == model::ShapeType::kList; }

// The item shape of a list answer: {…, Items: [item]}, or [item] when flat.
model::ShapeId ItemShape(model::ShapeId list) {
  if (IsFlatList(list)) return model::Shape(list).list_member;
  const auto* items = model::FindMember(model::Shape(list), "Items");
  if (!items) throw std::logic_error("list shape " + std::string(model::Shape(list).name) + " has no Items");
  return model::Shape(items->shape).list_member;
}

// Summaries depend only on each record and its settling, so whole pages are
// kept too (EncodedPages); a miss still reuses each unchanged summary.
Result<Json, ApiError> ListStored(const Context& c, RequestContext& ctx, const Json& input) {
  const Family& family = c.Staged(input);
  std::optional<std::string> parent;
  if (!family.parent_kind.empty()) {
    parent = StringMember(input, c.members.key);
    if (auto found = RequireParent(ctx, family, *parent); !found) return Fail(std::move(found).error());
  }
  const bool flat = IsFlatList(c.members.answer_shape);
  std::string key =
      model::EncodedPages::Key(ctx.services.store.Generation(), ctx.account, c.members.operation->name, input);
  if (!flat) {
    if (auto kept = model::EncodedPages::Find(ctx.now_ms, key)) return Json{{c.members.answer, std::move(*kept)}};
  }
  auto page = ListRecords(ctx, family, input, parent);
  if (!page) return Fail(std::move(page).error());
  const model::ShapeId item_shape = ItemShape(c.members.answer_shape);
  Json items = Json::array();
  for (const auto& record : page->records) {
    const std::string variant = family.summary_variant ? family.summary_variant(ctx, record) : "";
    items.push_back(model::EncodedView(ctx.now_ms, record, item_shape, variant,
                                       [&] { return family.summarize(ctx, ResourceOf(record)); }));
  }
  if (flat) {  // the items beside NextMarker: no envelope whose encoding a page could keep
    Json answer = {{c.members.answer, std::move(items)}};
    if (page->truncated) answer["NextMarker"] = page->next_marker;
    return answer;
  }
  std::string content = model::EncodeXmlContent(ListEnvelope(page.value(), std::move(items)), c.members.answer_shape);
  Json answer = {{c.members.answer, model::PreEncodedXml(content)}};
  model::EncodedPages::Keep(ctx.now_ms, std::move(key), page->records, std::move(content));
  return answer;
}

// Families with managed records list them first, then the account's own,
// as one Marker/MaxItems sequence; Type=managed|custom lists one kind.
Result<Json, ApiError> ListWithManaged(const Context& c, RequestContext& ctx, const Json& input) {
  const Family& family = *c.family;
  const std::string type = StringMember(input, "Type");
  if (!type.empty() && type != "managed" && type != "custom") {
    return Fail(errors::InvalidArgument("The value of Type must be managed or custom."));
  }
  auto max_items = ParseMaxItems(input);
  if (!max_items) return Fail(std::move(max_items).error());
  const auto limit = static_cast<std::size_t>(max_items.value());
  static const ManagedRecords kNone;
  const ManagedRecords& managed = type == "custom" ? kNone : *family.managed;

  // A marker that names a managed record continues after it; any other goes to the store.
  const std::string marker = StringMember(input, "Marker");
  std::size_t next_managed = 0;
  std::string custom_marker;
  if (!marker.empty()) {
    const auto it = std::find_if(managed.begin(), managed.end(), [&](const auto& r) { return r.id == marker; });
    next_managed = it != managed.end() ? static_cast<std::size_t>(it - managed.begin()) + 1 : managed.size();
    if (it == managed.end()) custom_marker = marker;
  }
  Json items = Json::array();
  std::string last_id;
  for (; next_managed < managed.size() && items.size() < limit; ++next_managed) {
    items.push_back(family.summarize_managed(managed[next_managed]));
    last_id = managed[next_managed].id;
  }
  bool truncated = next_managed < managed.size();
  if (type != "managed" && !truncated) {
    const Json page_input = {{"Marker", custom_marker}, {"MaxItems", std::to_string(limit - items.size())}};
    auto page = ListRecords(ctx, family, page_input);
    if (!page) return Fail(std::move(page).error());
    for (auto& record : page->records) {
      items.push_back(family.summarize(ctx, ResourceOf(record)));
      last_id = record.id;
    }
    truncated = page->truncated;
  }
  PageBounds bounds;
  bounds.marker = marker;
  bounds.max_items = max_items.value();
  bounds.truncated = truncated && !last_id.empty();
  if (bounds.truncated) bounds.next_marker = last_id;
  return Json{{c.members.answer, ListEnvelope(bounds, std::move(items))}};
}

// The newer lists (ListConnectionGroups, ListDistributionTenants) answer the
// items themselves as the output's list member, with NextMarker beside it
// and no envelope.
Result<Json, ApiError> FlatPage(const OperationMembers& members, const Family& family, RequestContext& ctx,
                                const Json& input, const std::vector<store::Record>& records) {
  auto page = PageAfterMarker(input, records, [&](const store::Record& record) {
    return family.summarize(ctx, ResourceOf(record));
  });
  if (!page) return Fail(std::move(page).error());
  Json output = {{members.answer, page->value("Items", Json::array())}};
  if (const std::string next = StringMember(page.value(), "NextMarker"); !next.empty()) output["NextMarker"] = next;
  return output;
}

// One page of records (in creation order) after the input's Marker: their
// summaries, or their ids when the list's items are strings
// (DistributionIdList).
Result<Json, ApiError> PageOfRecords(const OperationMembers& members, const Family& family, RequestContext& ctx,
                                     const Json& input, const std::vector<store::Record>& records) {
  if (model::Shape(members.answer_shape).type == model::ShapeType::kList) return FlatPage(members, family, ctx, input, records);
  const bool ids_only = model::Shape(ItemShape(members.answer_shape)).type != model::ShapeType::kStructure;
  auto page = PageAfterMarker(input, records, [&](const store::Record& record) {
    return ids_only ? Json(record.id) : family.summarize(ctx, ResourceOf(record));
  });
  if (!page) return Fail(std::move(page).error());
  return Json{{members.answer, std::move(page).value()}};
}

Result<Json, ApiError> ListRecordsReferencing(RequestContext& ctx, const OperationMembers& members,
                                              const Family& users, std::string_view target_kind,
                                              const std::string& id, const Json& input) {
  auto records = RecordsReferencing(ctx, users.kind, target_kind, id);
  if (!records) return Fail(std::move(records).error());
  return PageOfRecords(members, users, ctx, input, records.value());
}

// This family's records that reference one of target_kind, in creation
// order, Marker/MaxItems paged.
Result<Json, ApiError> ListReferencing(const Context& c, std::string_view target_kind, RequestContext& ctx,
                                       const Json& input) {
  const auto* target = Registry::Get().FindFamily(target_kind);
  if (!target) return Fail(errors::InternalError("no family of kind " + std::string(target_kind)));
  const std::string id = StringMember(input, c.members.key);
  if (!FindManaged(target->family.managed, id)) {
    if (auto found = LoadRecord(ctx, target->family, id); !found) return Fail(std::move(found).error());
  }
  return ListRecordsReferencing(ctx, c.members, *c.family, target_kind, id, input);
}

Handler HandlerOf(const Context& c, const Operation& operation) {
  switch (operation.verb) {
    case Verb::kCreate:
      return [c](RequestContext& ctx, Json input) { return Create(c, ctx, std::move(input)); };
    case Verb::kGet:
      return [c](RequestContext& ctx, const Json& input) { return Get(c, ctx, input); };
    case Verb::kGetConfig:
      return [c](RequestContext& ctx, const Json& input) { return GetConfig(c, ctx, input); };
    case Verb::kUpdate:
      return [c](RequestContext& ctx, Json input) { return Update(c, ctx, std::move(input)); };
    case Verb::kDelete:
      return [c](RequestContext& ctx, const Json& input) { return Delete(c, ctx, input); };
    case Verb::kList:
      if (c.family->managed) {
        return [c](RequestContext& ctx, const Json& input) { return ListWithManaged(c, ctx, input); };
      }
      return [c](RequestContext& ctx, const Json& input) { return ListStored(c, ctx, input); };
    case Verb::kListReferencing:
      return [c, target = std::string(operation.target_kind)](RequestContext& ctx, const Json& input) {
        return ListReferencing(c, target, ctx, input);
      };
    case Verb::kPublish:
      return [c](RequestContext& ctx, const Json& input) { return Publish(c, ctx, input); };
    case Verb::kCustom:
      return operation.custom;
  }
  throw std::logic_error("unknown verb of " + std::string(operation.name));
}

}  // namespace

Result<Json, ApiError> PageAfterMarker(const Json& input, const std::vector<store::Record>& records,
                                       const std::function<Json(const store::Record&)>& item) {
  auto max_items = ParseMaxItems(input);
  if (!max_items) return Fail(std::move(max_items).error());
  PageBounds page;
  page.marker = StringMember(input, "Marker");
  page.max_items = max_items.value();
  auto next = records.begin();
  if (!page.marker.empty()) {
    const auto at = std::find_if(records.begin(), records.end(), [&](const auto& r) { return r.id == page.marker; });
    next = at == records.end() ? records.end() : at + 1;
  }
  Json items = Json::array();
  std::string last_id;
  for (; next != records.end() && static_cast<std::int64_t>(items.size()) < page.max_items; ++next) {
    items.push_back(item(*next));
    last_id = next->id;
  }
  page.truncated = next != records.end();
  if (page.truncated && !last_id.empty()) page.next_marker = last_id;
  return ListEnvelope(page, std::move(items));
}

Result<std::vector<store::Record>, ApiError> RecordsReferencing(RequestContext& ctx, std::string_view user_kind,
                                                                std::string_view target_kind, const std::string& id) {
  auto referencing = ctx.services.store.FindReferencing(ctx.account, store::ReferenceTo(target_kind, id));
  if (auto* error = std::get_if<store::StoreError>(&referencing)) return Fail(StoreFailure(*error));
  auto& records = std::get<std::vector<store::Record>>(referencing);
  std::erase_if(records, [&](const store::Record& record) { return record.kind != user_kind; });
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) { return a.sequence < b.sequence; });
  return std::move(records);
}

Result<Json, ApiError> DistributionListReferencing(RequestContext& ctx, std::string_view target_kind,
                                                   const std::string& id, const Json& input,
                                                   const std::function<Json(const store::Record&)>& item) {
  auto users = RecordsReferencing(ctx, "distribution", target_kind, id);
  if (!users) return Fail(std::move(users).error());
  auto page = PageAfterMarker(input, users.value(), item);
  if (!page) return Fail(std::move(page).error());
  return Json{{"DistributionList", std::move(page).value()}};
}

std::vector<store::Record> RecordsWhere(RequestContext& ctx, std::string_view kind,
                                        const std::function<bool(const Resource&)>& matches) {
  std::vector<store::Record> records;
  store::ListQuery query{ctx.account, std::string(kind), std::nullopt, "", 1000, false};
  for (;;) {
    auto page = ctx.services.store.List(query);
    for (auto& record : page.records) {
      if (matches(ResourceOf(record))) records.push_back(std::move(record));
    }
    if (!page.truncated || page.records.empty()) return records;
    query.after_id = page.records.back().id;
  }
}

Result<Json, ApiError> ListWhere(RequestContext& ctx, const Family& family, std::string_view operation,
                                 const Json& input, const std::function<bool(const Resource&)>& matches) {
  return PageOfRecords(MembersOf(operation), family, ctx, input, RecordsWhere(ctx, family.kind, matches));
}

Result<Json, ApiError> ListRecordsReferencing(RequestContext& ctx, std::string_view operation,
                                              std::string_view user_kind, std::string_view target_kind,
                                              const std::string& id, const Json& input) {
  const auto* users = Registry::Get().FindFamily(user_kind);
  if (!users) return Fail(errors::InternalError("no family of kind " + std::string(user_kind)));
  return ListRecordsReferencing(ctx, MembersOf(operation), users->family, target_kind, id, input);
}

OperationMembers MembersOf(std::string_view operation, model::ServiceId service) {
  OperationMembers found;
  found.operation = model::FindOperation(model::Service(service), operation);
  if (!found.operation) throw std::logic_error("the model has no operation " + std::string(operation));
  FindInputMembers(found);
  FindOutputMembers(found);
  FindAnswerConfigShape(found);
  return found;
}

Json ConfigOf(const OperationMembers& members, Json input) {
  if (members.config.empty() && !members.config_member.empty()) {
    const auto config = input.find(members.config_member);
    return config == input.end() || !config->is_object() ? Json::object() : std::move(*config);
  }
  if (members.config.empty()) {
    // No payload: the body members are the config (CreateFunction: Name, FunctionConfig, FunctionCode).
    Json config = Json::object();
    const auto& shape = model::Shape(members.operation->input);
    for (const auto& member : shape.members) {
      if (member.location != Location::kBody || member.name == "Tags") continue;
      if (const auto it = input.find(member.name); it != input.end()) config[std::string(member.name)] = std::move(*it);
    }
    return config;
  }
  // Moved out, not copied: a config is most of a request.
  const auto payload = input.find(members.config);
  if (payload == input.end() || !payload->is_object()) return Json::object();
  if (!members.config_with_tags) return std::move(*payload);
  const auto config = payload->find(members.config_member);
  return config == payload->end() ? Json::object() : std::move(*config);
}

Json TagsOf(const OperationMembers& members, const Json& input) {
  const Json* holder = &input;
  Json payload;
  if (members.config_with_tags) {
    payload = input.value(members.config, Json::object());
    holder = &payload;
  } else if (!members.config.empty()) {
    return Json();
  }
  const auto tags = holder->find("Tags");
  if (tags == holder->end() || !tags->is_object()) return Json();
  return ItemsOf(*tags);
}

std::optional<std::string> TagsProblem(const Json& items) {
  constexpr std::size_t kMaxTags = 50;
  if (items.size() > kMaxTags) return "A resource can have at most 50 tags.";
  std::set<std::string> keys;
  for (const auto& tag : items) {
    const std::string key = tag.value("Key", "");
    std::string prefix = key.substr(0, 4);
    std::transform(prefix.begin(), prefix.end(), prefix.begin(), [](unsigned char c) { return std::tolower(c); });
    if (prefix == "aws:") return "The tag key " + key + " is not valid: keys starting with aws: are reserved.";
    if (!keys.insert(key).second) return "The tag key " + key + " is given twice.";
  }
  return std::nullopt;
}

void AddHandlers(const FamilyDefinition& definition, HandlerTable& table) {
  // A new resource's Location: the path of the first operation that names
  // it at the end (GetDistribution's /distribution/{Id}, not DescribeFunction's /function/{Name}/describe).
  std::string location_template;
  for (const auto& operation : definition.operations) {
    const std::string_view path = MembersOf(operation.name, definition.service).operation->path;
    const bool names_it = operation.verb == Verb::kGet || operation.verb == Verb::kGetConfig ||
                          operation.verb == Verb::kUpdate || operation.verb == Verb::kDelete;
    if (names_it && path.ends_with('}') && location_template.empty()) location_template = std::string(path);
  }
  std::shared_ptr<const LiveStage> live;
  if (definition.family.versioning == Versioning::kPerStage) live = MakeLiveStage(definition.family);
  for (const auto& operation : definition.operations) {
    Context context{&definition.family, live, MembersOf(operation.name, definition.service), location_template};
    table.Add(*context.members.operation, HandlerOf(context, operation));
  }
}

const Handler& HandlerTable::At(std::string_view name, model::ServiceId service) const {
  const auto* operation = model::FindOperation(model::Service(service), name);
  const Handler* handler = operation ? Find(*operation) : nullptr;
  if (!handler) throw std::out_of_range("no handler for " + std::string(name));
  return *handler;
}

}  // namespace cfl::engine
