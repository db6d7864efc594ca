// Key value stores, the control plane: CreateKeyValueStore,
// DescribeKeyValueStore, UpdateKeyValueStore (the comment), DeleteKeyValueStore,
// ListKeyValueStores. Paths name a store by its Name, unique per account; its
// id is the UUID of its ARN, which functions and the data plane use.
// PROVISIONING until the propagation delay passes, then READY.
#include "emulator/families/key_value_stores/key_value_stores.h"

#include <algorithm>

#include "emulator/common/ids.h"
#include "emulator/engine/family.h"
#include "emulator/engine/projection.h"
#include "emulator/engine/resource_naming.h"
#include "emulator/engine/resources.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

constexpr std::int64_t kMaxStoresPerAccount = 50;  // CloudFront's quota

std::string Status(const RequestContext& ctx, const Resource& resource, bool just_changed) {
  return just_changed || !resource.Settled(ctx.now_ms) ? "PROVISIONING" : "READY";
}

Json Render(const RequestContext& ctx, const Resource& resource, bool just_changed) {
  return {{"Name", resource.config().value("Name", "")},
          {"Id", resource.id()},
          {"Comment", resource.config().value("Comment", "")},
          {"ARN", Arn(ctx.account, "key-value-store", resource.id())},
          {"Status", Status(ctx, resource, just_changed)},
          {"LastModifiedTime", FormatIso8601(resource.record.modified_ms)}};
}

Result<Ok, ApiError> Prepare(RequestContext&, Json& config, const Resource* current) {
  if (config.contains("ImportSource")) {
    return Fail(errors::UnsupportedOperation(
        "CloudFront Local cannot import a key value store from S3 yet (no S3-compatible endpoint can be "
        "configured): create the store without ImportSource and write its keys with PutKey or UpdateKeys."));
  }
  if (current) config["Name"] = current->config().value("Name", "");  // the path names it; the body has the comment only
  SetDefault(config, "Comment", "");
  return Ok{};
}

// Stores are few per account (50 at most): the one with the name is found by looking.
std::optional<std::string> FindByName(RequestContext& ctx, const std::string& name) {
  const auto page = ctx.services.store.List({ctx.account, std::string(kKeyValueStoreKind), std::nullopt, "",
                                             static_cast<std::size_t>(kMaxStoresPerAccount) * 2, false});
  for (const auto& record : page.records) {
    if (ResourceOf(record).config().value("Name", "") == name) return record.id;
  }
  return std::nullopt;
}

// The data plane's state, created with the store: its ETag, and counts.
std::vector<store::Record> DataPlaneOf(const RequestContext& ctx, const store::Record& created) {
  store::Record data;
  data.account = created.account;
  data.kind = std::string(kKeyValueStoreDataKind);
  data.id = created.id;
  data.parent = created.id;
  data.etag = ids::ETag();
  data.document = R"({"ItemCount":0,"TotalSizeInBytes":0})";
  data.metadata = "{}";
  data.created_ms = data.modified_ms = data.settles_at_ms = ctx.now_ms;
  return {std::move(data)};
}

// ListKeyValueStores: Marker/MaxItems over the account's stores, with the Status filter.
Result<Json, ApiError> ListStores(RequestContext& ctx, const Json& input) {
  auto max_items = ParseMaxItems(input);
  if (!max_items) return Fail(std::move(max_items).error());
  const std::string status = StringMember(input, "Status");
  const auto page = ctx.services.store.List({ctx.account, std::string(kKeyValueStoreKind), std::nullopt, "",
                                             static_cast<std::size_t>(kMaxStoresPerAccount) * 2, false});
  std::vector<Json> stores;
  for (const auto& record : page.records) {
    Json store = Render(ctx, ResourceOf(record), false);
    if (status.empty() || store["Status"] == status) stores.push_back(std::move(store));
  }
  PageBounds bounds;
  bounds.marker = StringMember(input, "Marker");
  bounds.max_items = max_items.value();
  auto next = stores.begin();
  if (!bounds.marker.empty()) {
    const auto at = std::find_if(stores.begin(), stores.end(), [&](const Json& s) { return s["Id"] == bounds.marker; });
    next = at == stores.end() ? stores.end() : at + 1;
  }
  Json items = Json::array();
  for (; next != stores.end() && static_cast<std::int64_t>(items.size()) < bounds.max_items; ++next) {
    items.push_back(*next);
  }
  bounds.truncated = next != stores.end();
  if (bounds.truncated && !items.empty()) bounds.next_marker = items.back()["Id"].get<std::string>();
  return Json{{"KeyValueStoreList", ListEnvelope(bounds, std::move(items))}};
}

FamilyDefinition MakeDefinition() {
  Family family;
  family.kind = kKeyValueStoreKind;
  family.noun = "key value store";
  family.arn_type = "key-value-store";
  family.errors = {.not_found = {errors::EntityNotFound, "The key value store was not found."},
                   .already_exists = {errors::EntityAlreadyExists, "A key value store with this name already exists."},
                   .limit = {errors::EntityLimitExceeded,
                             "You have reached the maximum number of key value stores (50) for this account."}};
  family.unique_name_member = "Name";
  family.taggable = true;
  family.max_per_account = [](const RequestContext&) -> std::optional<std::int64_t> { return kMaxStoresPerAccount; };
  family.settle_delay_ms = [](const RequestContext& ctx) { return ctx.services.settings.propagation_delay_ms.load(); };
  family.new_id = ids::Uuid;
  family.find_id = FindByName;
  family.child_kinds = {kKeyValueStoreKeyKind};
  family.check_stored = CheckStoredDataPlaneRecord;
  family.companions = DataPlaneOf;
  family.prepare = Prepare;
  family.render = Render;
  family.summarize = [](const RequestContext& ctx, const Resource& resource) { return Render(ctx, resource, false); };
  return {std::move(family),
          {{"CreateKeyValueStore", Verb::kCreate},
           {"DescribeKeyValueStore", Verb::kGet},
           {"UpdateKeyValueStore", Verb::kUpdate},
           {"DeleteKeyValueStore", Verb::kDelete},
           {"ListKeyValueStores", Verb::kCustom, ListStores}},
          {errors::UnsupportedOperation, errors::InvalidArgument}};
}

}  // namespace

const engine::FamilyDefinition& KeyValueStoreDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

std::optional<std::string> KeyValueStoreIdOf(std::string_view arn, std::string_view account) {
  const auto parsed = ParseArn(arn);
  if (!parsed || parsed->type != "key-value-store" || parsed->account != account) return std::nullopt;
  return parsed->id;
}

}  // namespace cfl::families
