// Key value stores, the data plane (service cloudfront-keyvaluestore,
// rest-json): DescribeKeyValueStore, GetKey, ListKeys, PutKey, DeleteKey,
// UpdateKeys, on /key-value-stores/{KvsARN}/…. Every write names the store's
// data ETag in If-Match (a stale one is ConflictException) and answers the new
// one; the check, the counts and the keys change in one transaction.
// Quotas: key 512 bytes, value 1 KB, store 5 MB, 50 keys per UpdateKeys.
#include <algorithm>
#include <map>

#include "emulator/codec/wire_text.h"
#include "emulator/common/ids.h"
#include "emulator/engine/family.h"
#include "emulator/engine/resource_naming.h"
#include "emulator/engine/resources.h"
#include "emulator/families/key_value_stores/key_value_stores.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

constexpr std::size_t kMaxKeyBytes = 512;
constexpr std::size_t kMaxValueBytes = 1024;
constexpr std::int64_t kMaxStoreBytes = 5 * 1024 * 1024;
constexpr std::size_t kMaxKeysPerUpdate = 50;
constexpr std::int64_t kDefaultMaxResults = 50;

ApiError StoreNotFound(std::string_view arn) {
  return kvs_errors::ResourceNotFoundException("The key value store " + std::string(arn) + " was not found.");
}

// The store a request's KvsARN names: its control-plane record and its data-plane state.
struct Store {
  std::string arn;
  store::Record control;
  store::Record data;
  std::int64_t item_count = 0;
  std::int64_t total_bytes = 0;
};

Result<Store, ApiError> LoadStore(RequestContext& ctx, const Json& input) {
  Store found;
  found.arn = StringMember(input, "KvsARN");
  const auto id = KeyValueStoreIdOf(found.arn, ctx.account);
  if (!id) return Fail(StoreNotFound(found.arn));
  auto control = ctx.services.store.Get(ctx.account, kKeyValueStoreKind, *id);
  auto data = ctx.services.store.Get(ctx.account, kKeyValueStoreDataKind, *id);
  if (!control || !data) return Fail(StoreNotFound(found.arn));
  found.control = std::move(*control);
  found.data = std::move(*data);
  const Json counts = ResourceOf(found.data).config();
  found.item_count = counts.value("ItemCount", std::int64_t{0});
  found.total_bytes = counts.value("TotalSizeInBytes", std::int64_t{0});
  return found;
}

std::string KeyRecordId(const Store& store, std::string_view key) { return store.data.id + "/" + std::string(key); }

struct Entry {
  std::string key;
  std::string value;
};

// Key records are parsed here rather than through ResourceOf: there may be
// many, and each is read once per request.
Entry EntryOf(const store::Record& record) {
  const Json document = Json::parse(record.document, nullptr, false);
  if (!document.is_object()) return {};
  return Entry{document.value("Key", ""), document.value("Value", "")};
}

std::optional<Entry> LoadEntry(RequestContext& ctx, const Store& store, std::string_view key) {
  auto record = ctx.services.store.Get(ctx.account, kKeyValueStoreKeyKind, KeyRecordId(store, key));
  if (!record) return std::nullopt;
  return EntryOf(*record);
}

std::int64_t SizeOf(std::string_view key, std::string_view value) {
  return static_cast<std::int64_t>(key.size() + value.size());
}

Result<Ok, ApiError> CheckEntry(std::string_view key, std::string_view value) {
  if (key.empty() || key.size() > kMaxKeyBytes) {
    return Fail(kvs_errors::ValidationException("A key must be 1 to " + std::to_string(kMaxKeyBytes) + " bytes long."));
  }
  if (value.size() > kMaxValueBytes) {
    return Fail(kvs_errors::ValidationException("The value of key '" + std::string(key) + "' is longer than " +
                                                std::to_string(kMaxValueBytes) + " bytes."));
  }
  return Ok{};
}

// A store's data-plane state: its counts, bounded as the quotas bound them.
std::optional<std::string> CheckStoredCounts(const store::Record& record, const Json& config) {
  if (record.id != record.parent) return "the data plane's state has its store's id as its id";
  for (const auto& [name, value] : config.items()) {
    if (name != "ItemCount" && name != "TotalSizeInBytes") return name + " is not a member of the data plane's state";
    if (!value.is_number_integer() || value.get<std::int64_t>() < 0 || value.get<std::int64_t>() > kMaxStoreBytes) {
      return name + " must be an integer from 0 to " + std::to_string(kMaxStoreBytes);
    }
  }
  if (!config.contains("ItemCount") || !config.contains("TotalSizeInBytes")) {
    return std::string("ItemCount and TotalSizeInBytes are required");
  }
  return std::nullopt;
}

std::optional<std::string> CheckStoredKey(const store::Record& record, const Json& config) {
  const auto key = config.find("Key");
  const auto value = config.find("Value");
  if (config.size() != 2 || key == config.end() || value == config.end() || !key->is_string() ||
      !value->is_string()) {
    return std::string("a key's config is {\"Key\": string, \"Value\": string}");
  }
  if (auto checked = CheckEntry(key->get_ref<const std::string&>(), value->get_ref<const std::string&>()); !checked) {
    return checked.error().message;
  }
  if (record.id != record.parent + "/" + key->get<std::string>()) return "a key's id is its store's id, '/' and the key";
  return std::nullopt;
}

Result<std::string, ApiError> RequireIfMatch(const Json& input) {
  const std::string if_match = StringMember(input, "IfMatch");
  if (if_match.empty()) return Fail(kvs_errors::ValidationException("The If-Match header is required."));
  return if_match;
}

ApiError Conflict() {
  return kvs_errors::ConflictException(
      "Pre-Condition failed: the ETag in If-Match is not the key value store's current one.");
}

// Changes to apply under one new ETag: puts (key → value) and deletes.
struct Changes {
  std::map<std::string, std::string> puts;
  std::vector<std::string> deletes;
};

// Applies changes in one transaction that first checks if_match against the
// store's data ETag; answers {ItemCount, TotalSizeInBytes, ETag}.
Result<Json, ApiError> Write(RequestContext& ctx, Store store, const std::string& if_match, const Changes& changes) {
  if (store.data.etag != if_match) return Fail(Conflict());
  std::vector<store::WriteStep> key_steps;
  std::int64_t items = store.item_count;
  std::int64_t bytes = store.total_bytes;
  for (const auto& key : changes.deletes) {
    const auto existing = LoadEntry(ctx, store, key);
    if (!existing) continue;
    --items;
    bytes -= SizeOf(existing->key, existing->value);
    key_steps.emplace_back(store::DeleteStep{ctx.account, std::string(kKeyValueStoreKeyKind), KeyRecordId(store, key)});
  }
  for (const auto& [key, value] : changes.puts) {
    store::Record record;
    record.account = ctx.account;
    record.kind = std::string(kKeyValueStoreKeyKind);
    record.id = KeyRecordId(store, key);
    record.parent = store.data.id;
    record.document = Json{{"Key", key}, {"Value", value}}.dump(-1, ' ', false, Json::error_handler_t::replace);
    record.metadata = "{}";
    record.created_ms = record.modified_ms = record.settles_at_ms = ctx.now_ms;
    const auto existing = LoadEntry(ctx, store, key);
    bytes += SizeOf(key, value) - (existing ? SizeOf(existing->key, existing->value) : 0);
    if (existing) {
      key_steps.emplace_back(store::ReplaceStep{std::move(record)});
    } else {
      ++items;
      key_steps.emplace_back(store::InsertStep{std::move(record)});
    }
  }
  if (bytes > kMaxStoreBytes) {
    return Fail(kvs_errors::ServiceQuotaExceededException("The key value store would exceed its size limit of " +
                                                          std::to_string(kMaxStoreBytes) + " bytes."));
  }
  store::Record data = store.data;
  data.etag = ids::ETag();
  data.document = Json{{"ItemCount", items}, {"TotalSizeInBytes", bytes}}.dump();
  data.modified_ms = data.settles_at_ms = ctx.now_ms;
  std::vector<store::WriteStep> steps;
  // The data ETag first: a writer in between makes this step, and so the whole, fail.
  steps.emplace_back(store::ReplaceStep{std::move(data), {.expected_etag = if_match}});
  for (auto& step : key_steps) steps.push_back(std::move(step));
  auto written = ctx.services.store.Transact(std::move(steps));
  if (auto* error = std::get_if<store::StoreError>(&written)) {
    if (error->kind == store::StoreErrorKind::kVersionMismatch || error->step > 0) return Fail(Conflict());
    if (error->kind == store::StoreErrorKind::kNotFound) return Fail(StoreNotFound(store.arn));
    return Fail(StoreFailure(*error));
  }
  const auto& records = std::get<std::vector<store::Record>>(written);
  return Json{{"ItemCount", items}, {"TotalSizeInBytes", bytes}, {"ETag", records.front().etag}};
}

Result<Json, ApiError> DescribeStore(RequestContext& ctx, const Json& input) {
  auto store = LoadStore(ctx, input);
  if (!store) return Fail(std::move(store).error());
  const bool ready = store->control.settles_at_ms <= ctx.now_ms;
  return Json{{"ItemCount", store->item_count},
              {"TotalSizeInBytes", store->total_bytes},
              {"KvsARN", store->arn},
              {"Created", FormatIso8601(store->control.created_ms)},
              {"ETag", store->data.etag},
              {"LastModified", FormatIso8601(store->data.modified_ms)},
              {"Status", ready ? "READY" : "PROVISIONING"}};
}

Result<Json, ApiError> GetKey(RequestContext& ctx, const Json& input) {
  auto store = LoadStore(ctx, input);
  if (!store) return Fail(std::move(store).error());
  const std::string key = StringMember(input, "Key");
  const auto entry = LoadEntry(ctx, *store, key);
  if (!entry) return Fail(kvs_errors::ResourceNotFoundException("The key '" + key + "' was not found."));
  return Json{{"Key", entry->key},
              {"Value", entry->value},
              {"ItemCount", store->item_count},
              {"TotalSizeInBytes", store->total_bytes}};
}

Result<Json, ApiError> PutKey(RequestContext& ctx, const Json& input) {
  auto if_match = RequireIfMatch(input);
  if (!if_match) return Fail(std::move(if_match).error());
  const std::string key = StringMember(input, "Key");
  const std::string value = StringMember(input, "Value");
  if (auto checked = CheckEntry(key, value); !checked) return Fail(std::move(checked).error());
  auto store = LoadStore(ctx, input);
  if (!store) return Fail(std::move(store).error());
  Changes changes;
  changes.puts[key] = value;
  return Write(ctx, std::move(store).value(), if_match.value(), changes);
}

Result<Json, ApiError> DeleteKey(RequestContext& ctx, const Json& input) {
  auto if_match = RequireIfMatch(input);
  if (!if_match) return Fail(std::move(if_match).error());
  auto store = LoadStore(ctx, input);
  if (!store) return Fail(std::move(store).error());
  const std::string key = StringMember(input, "Key");
  if (store->data.etag == if_match.value() && !LoadEntry(ctx, *store, key)) {
    return Fail(kvs_errors::ResourceNotFoundException("The key '" + key + "' was not found."));
  }
  return Write(ctx, std::move(store).value(), if_match.value(), Changes{{}, {key}});
}

Result<Json, ApiError> UpdateKeys(RequestContext& ctx, const Json& input) {
  auto if_match = RequireIfMatch(input);
  if (!if_match) return Fail(std::move(if_match).error());
  const Json puts = input.value("Puts", Json::array());
  const Json deletes = input.value("Deletes", Json::array());
  if (puts.size() + deletes.size() > kMaxKeysPerUpdate) {
    return Fail(kvs_errors::ServiceQuotaExceededException("An UpdateKeys request may change at most " +
                                                          std::to_string(kMaxKeysPerUpdate) + " keys."));
  }
  Changes changes;
  for (const auto& put : puts) {
    const std::string key = put.value("Key", "");
    const std::string value = put.value("Value", "");
    if (auto checked = CheckEntry(key, value); !checked) return Fail(std::move(checked).error());
    if (!changes.puts.emplace(key, value).second) {
      return Fail(kvs_errors::ValidationException("The key '" + key + "' appears more than once in the request."));
    }
  }
  for (const auto& deleted : deletes) {
    const std::string key = deleted.value("Key", "");
    const bool deleted_twice = std::find(changes.deletes.begin(), changes.deletes.end(), key) != changes.deletes.end();
    if (changes.puts.contains(key) || deleted_twice) {
      return Fail(kvs_errors::ValidationException("The key '" + key + "' appears more than once in the request."));
    }
    changes.deletes.push_back(key);
  }
  auto store = LoadStore(ctx, input);
  if (!store) return Fail(std::move(store).error());
  return Write(ctx, std::move(store).value(), if_match.value(), changes);
}

// Keys in order; NextToken is the last key of the page, base64-encoded.
Result<Json, ApiError> ListKeys(RequestContext& ctx, const Json& input) {
  auto store = LoadStore(ctx, input);
  if (!store) return Fail(std::move(store).error());
  const std::int64_t max_results = input.value("MaxResults", kDefaultMaxResults);
  std::string after;
  if (const std::string token = StringMember(input, "NextToken"); !token.empty()) {
    auto decoded = model::Base64Decode(token);
    if (!decoded || decoded->empty()) return Fail(kvs_errors::ValidationException("The NextToken is not valid."));
    after = std::move(*decoded);
  }
  auto data = LoadKeyValueData(ctx, store->data.id);
  if (!data) return Fail(StoreNotFound(store->arn));
  auto next = data->entries.begin();
  if (!after.empty()) {
    next = std::upper_bound(data->entries.begin(), data->entries.end(), after,
                            [](const std::string& key, const auto& entry) { return key < entry.first; });
  }
  Json items = Json::array();
  for (; next != data->entries.end() && static_cast<std::int64_t>(items.size()) < max_results; ++next) {
    items.push_back({{"Key", next->first}, {"Value", next->second}});
  }
  Json output = {{"Items", std::move(items)}};
  if (next != data->entries.end()) {
    output["NextToken"] = model::Base64Encode(output["Items"].back()["Key"].get<std::string>());
  }
  return output;
}

engine::FamilyDefinition MakeDefinition() {
  Family family;
  family.kind = kKeyValueStoreDataKind;
  family.noun = "key value store";
  family.parent_kind = kKeyValueStoreKind;
  family.check_stored = CheckStoredDataPlaneRecord;
  family.errors = {.not_found = kvs_errors::ResourceNotFoundException};
  const std::vector<ErrorSpec> writes = {kvs_errors::ValidationException, kvs_errors::ConflictException,
                                         kvs_errors::ServiceQuotaExceededException};
  engine::FamilyDefinition definition{std::move(family),
                                      {{"DescribeKeyValueStore", Verb::kCustom, DescribeStore},
                                       {"GetKey", Verb::kCustom, GetKey},
                                       {"ListKeys", Verb::kCustom, ListKeys, {}, {kvs_errors::ValidationException}},
                                       {"PutKey", Verb::kCustom, PutKey, {}, writes},
                                       {"DeleteKey", Verb::kCustom, DeleteKey, {}, writes},
                                       {"UpdateKeys", Verb::kCustom, UpdateKeys, {}, writes}},
                                      {kvs_errors::ResourceNotFoundException}};
  definition.service = model::ServiceId::kCloudFrontKeyValueStore;
  return definition;
}

}  // namespace

std::optional<std::string> CheckStoredDataPlaneRecord(const store::Record& record, const Json& config) {
  if (record.kind == kKeyValueStoreDataKind) return CheckStoredCounts(record, config);
  if (record.kind == kKeyValueStoreKeyKind) return CheckStoredKey(record, config);
  return "a " + record.kind + " is not a record of a key value store's data plane";
}

const engine::FamilyDefinition& KeyValueStoreDataDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

std::optional<runtime::KeyValueData> LoadKeyValueData(const RequestContext& ctx, const std::string& id) {
  auto control = ctx.services.store.Get(ctx.account, kKeyValueStoreKind, id);
  auto data = ctx.services.store.Get(ctx.account, kKeyValueStoreDataKind, id);
  if (!control || !data) return std::nullopt;
  runtime::KeyValueData loaded{id, control->created_ms, data->modified_ms, {}};
  store::ListQuery query{ctx.account, std::string(kKeyValueStoreKeyKind), id, "", 1000, false};
  while (true) {
    auto page = ctx.services.store.List(query);
    for (const auto& record : page.records) {
      Entry entry = EntryOf(record);
      loaded.entries.emplace_back(std::move(entry.key), std::move(entry.value));
    }
    if (!page.truncated || page.records.empty()) break;
    query.after_id = page.records.back().id;
  }
  std::sort(loaded.entries.begin(), loaded.entries.end());
  return loaded;
}

}  // namespace cfl::families
