#include "emulator/engine/versioned_resources.h"

#include <charconv>

#include "emulator/common/ids.h"
#include "emulator/codec/document_cache.h"

namespace cfl::handlers {
namespace {

constexpr std::string_view kCallerKeyPrefix = "caller:";
constexpr std::string_view kNameKeyPrefix = "name:";

ApiError StoreFailure(const store::StoreError& error) {
  return MakeError("InternalError", "The store failed: " + error.message);
}

// Reads parse the same few versions over and over.
DocumentCache& ParsedConfigs() {
  static DocumentCache cache(512);
  return cache;
}

ApiError NotFound(const ResourceFamily& family) { return MakeError(family.not_found_code, family.not_found_message); }

}  // namespace

// Caller references are unique per parent (an invalidation's per distribution).
std::vector<std::string> UniqueKeysOf(const ResourceFamily& family, const Json& config, const std::string& parent) {
  std::vector<std::string> keys;
  if (!family.caller_reference_member.empty()) {
    keys.push_back(std::string(kCallerKeyPrefix) + (parent.empty() ? "" : parent + "/") +
                   StringMember(config, family.caller_reference_member));
  }
  if (!family.unique_name_member.empty()) {
    keys.push_back(std::string(kNameKeyPrefix) + StringMember(config, family.unique_name_member));
  }
  if (family.unique_keys) {
    for (auto& key : family.unique_keys(config)) keys.push_back(std::move(key));
  }
  return keys;
}

namespace {

ApiError ConflictError(const ResourceFamily& family, const store::StoreError& error) {
  if (error.conflicting_key.starts_with(kCallerKeyPrefix) || error.conflicting_key.starts_with(kNameKeyPrefix) ||
      !family.key_conflict) {
    std::string message = family.already_exists_message;
    if (const auto at = message.find("{id}"); at != std::string::npos) message.replace(at, 4, error.conflicting_id);
    return MakeError(family.already_exists_code, std::move(message));
  }
  return family.key_conflict(error);
}

ApiError MapStoreError(const ResourceFamily& family, const store::StoreError& error) {
  switch (error.kind) {
    case store::StoreErrorKind::kNotFound:
      return NotFound(family);
    case store::StoreErrorKind::kVersionMismatch:
      return MakeError("PreconditionFailed",
                       "The request failed because it didn't meet the preconditions in one or more "
                       "request-header fields.");
    case store::StoreErrorKind::kAlreadyExists:
      return ConflictError(family, error);
    case store::StoreErrorKind::kReferenced:
      return MakeError(family.in_use_code, family.in_use_message);
    case store::StoreErrorKind::kLimitExceeded:
      return MakeError(family.limit_code, family.limit_message);
    default:
      return StoreFailure(error);
  }
}

Result<std::string, ApiError> RequireIfMatch(const Json& if_match) {
  if (!if_match.is_string() || if_match.get_ref<const std::string&>().empty()) {
    return Fail(MakeError("InvalidIfMatchVersion", "The If-Match version is missing or not valid for the resource."));
  }
  return if_match.get<std::string>();
}

// Loads the resource and checks that if_match names its current version.
Result<Resource, ApiError> LoadCurrentVersion(RequestContext& ctx, const ResourceFamily& family,
                                              const std::string& id, const Json& if_match) {
  auto expected = RequireIfMatch(if_match);
  if (!expected) return Fail(std::move(expected).error());
  auto current = LoadResource(ctx, family, id);
  if (!current) return current;
  if (current->etag() != expected.value()) {
    return Fail(MapStoreError(family, {store::StoreErrorKind::kVersionMismatch, "", "", ""}));
  }
  return current;
}

std::int64_t SettlesAt(const RequestContext& ctx, const ResourceFamily& family) {
  return ctx.now_ms + (family.settle_delay_ms ? family.settle_delay_ms(ctx) : 0);
}

store::Record BuildRecord(RequestContext& ctx, const ResourceFamily& family, const Json& config,
                          std::string parent) {
  store::Record record;
  record.parent = std::move(parent);
  record.account = ctx.account;
  record.kind = family.kind;
  record.etag = ids::ETag();
  record.document = config.dump();
  record.unique_keys = UniqueKeysOf(family, config, record.parent);
  if (family.references) record.references = family.references(config);
  record.modified_ms = ctx.now_ms;
  record.settles_at_ms = SettlesAt(ctx, family);
  return record;
}

}  // namespace

Resource ResourceOf(store::Record record) {
  Json config = *ParsedConfigs().Parse(record.document);
  return ResourceOf(std::move(record), std::move(config));
}

Resource ResourceOf(store::Record record, Json config) {
  Resource resource;
  resource.config = std::move(config);
  resource.metadata = Json::parse(record.metadata, nullptr, false);
  if (!resource.metadata.is_object()) resource.metadata = Json::object();
  resource.record = std::move(record);
  return resource;
}

Result<std::int64_t, ApiError> ParseMaxItems(const Json& input) {
  const std::string text = StringMember(input, "MaxItems");
  if (text.empty()) return std::int64_t{100};
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) {
    return Fail(InvalidArgument("The value of MaxItems must be a non-negative integer."));
  }
  return std::min<std::int64_t>(value, 1000);
}

std::string StringMember(const Json& input, std::string_view name) {
  const auto it = input.find(name);
  return it != input.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Json ItemsOf(const Json& list) {
  if (!list.is_object()) return Json::array();
  const auto items = list.find("Items");
  return items != list.end() && items->is_array() ? *items : Json::array();
}

Result<Resource, ApiError> CreateResource(RequestContext& ctx, const ResourceFamily& family, Json config,
                                          CreateOptions options, bool* replayed) {
  if (auto prepared = family.prepare(ctx, config, nullptr); !prepared) return Fail(std::move(prepared).error());
  store::Record record = BuildRecord(ctx, family, config, std::move(options.parent));
  record.id = options.id ? *options.id : family.new_id();
  record.created_ms = ctx.now_ms;
  Json metadata = family.new_metadata ? family.new_metadata(ctx) : Json::object();
  metadata.update(options.metadata);
  record.metadata = metadata.dump();
  const auto limit = family.max_per_account ? family.max_per_account(ctx) : std::nullopt;
  auto inserted = ctx.services.store.Insert(std::move(record), limit);
  if (auto* error = std::get_if<store::StoreError>(&inserted)) {
    if (family.replay_identical && error->kind == store::StoreErrorKind::kAlreadyExists &&
        error->conflicting_key.starts_with(kCallerKeyPrefix)) {
      auto existing = LoadResource(ctx, family, error->conflicting_id);
      if (existing && existing->config == config) {
        if (replayed) *replayed = true;
        return existing;
      }
    }
    return Fail(MapStoreError(family, *error));
  }
  return ResourceOf(std::get<store::Record>(std::move(inserted)), std::move(config));
}

Result<store::Record, ApiError> LoadRecord(RequestContext& ctx, const ResourceFamily& family, const std::string& id) {
  auto record = ctx.services.store.Get(ctx.account, family.kind, id);
  if (!record) return Fail(NotFound(family));
  return std::move(*record);
}

Result<Resource, ApiError> LoadResource(RequestContext& ctx, const ResourceFamily& family, const std::string& id) {
  auto record = LoadRecord(ctx, family, id);
  if (!record) return Fail(std::move(record).error());
  return ResourceOf(std::move(record).value());
}

Result<Resource, ApiError> UpdateResource(RequestContext& ctx, const ResourceFamily& family, const std::string& id,
                                          const Json& if_match, Json config) {
  auto current = LoadCurrentVersion(ctx, family, id, if_match);
  if (!current) return current;
  const auto& member = family.caller_reference_member;
  if (!member.empty() && StringMember(config, member) != StringMember(current->config, member)) {
    return Fail(MakeError("IllegalUpdate", "The update contains modifications that are not allowed: " + member +
                                               " cannot be changed."));
  }
  if (auto prepared = family.prepare(ctx, config, &current.value()); !prepared) {
    return Fail(std::move(prepared).error());
  }
  store::Record next = BuildRecord(ctx, family, config, current->record.parent);
  next.id = id;
  next.metadata = current->record.metadata;
  auto replaced = ctx.services.store.Replace(std::move(next), current->etag());
  if (auto* error = std::get_if<store::StoreError>(&replaced)) return Fail(MapStoreError(family, *error));
  return ResourceOf(std::get<store::Record>(std::move(replaced)), std::move(config));
}

Result<Resource, ApiError> DeleteResource(RequestContext& ctx, const ResourceFamily& family, const std::string& id,
                                          const Json& if_match, const DeletePrecondition& may_delete,
                                          std::optional<std::string> guard_reference) {
  auto current = LoadCurrentVersion(ctx, family, id, if_match);
  if (!current) return current;
  if (may_delete) {
    if (auto allowed = may_delete(ctx, current.value()); !allowed) return Fail(std::move(allowed).error());
  }
  auto deleted = ctx.services.store.Delete(ctx.account, family.kind, id, current->etag(), std::move(guard_reference));
  if (auto* error = std::get_if<store::StoreError>(&deleted)) return Fail(MapStoreError(family, *error));
  return ResourceOf(std::get<store::Record>(std::move(deleted)));
}

Result<Resource, ApiError> UpdateMetadata(RequestContext& ctx, const ResourceFamily& family, const std::string& id,
                                          Json metadata) {
  auto updated = ctx.services.store.SetMetadata(ctx.account, family.kind, id, metadata.dump());
  if (auto* error = std::get_if<store::StoreError>(&updated)) return Fail(MapStoreError(family, *error));
  return ResourceOf(std::get<store::Record>(std::move(updated)));
}

void RenewReferencingVersions(RequestContext& ctx, const ResourceFamily& family, const std::string& reference) {
  for (auto& record : ctx.services.store.FindReferencing(ctx.account, reference)) {
    if (record.kind != family.kind) continue;
    const std::string expected = record.etag;
    record.etag = ids::ETag();
    record.modified_ms = ctx.now_ms;
    record.settles_at_ms = SettlesAt(ctx, family);
    // A concurrent update that won the race has renewed it already.
    (void)ctx.services.store.Replace(std::move(record), expected);
  }
}

Result<RecordPage, ApiError> ListRecords(RequestContext& ctx, const ResourceFamily& family, const Json& input,
                                         std::optional<std::string> parent, bool newest_first) {
  auto max_items = ParseMaxItems(input);
  if (!max_items) return Fail(std::move(max_items).error());
  RecordPage page;
  page.marker = StringMember(input, "Marker");
  page.max_items = max_items.value();
  store::ListQuery query{ctx.account, family.kind, std::move(parent), page.marker,
                         static_cast<std::size_t>(page.max_items), newest_first};
  auto listed = ctx.services.store.List(query);
  page.records = std::move(listed.records);
  page.truncated = listed.truncated;
  if (page.truncated && !page.records.empty()) page.next_marker = page.records.back().id;
  return page;
}

Result<ResourcePage, ApiError> ListResources(RequestContext& ctx, const ResourceFamily& family, const Json& input,
                                             std::optional<std::string> parent, bool newest_first) {
  auto listed = ListRecords(ctx, family, input, std::move(parent), newest_first);
  if (!listed) return Fail(std::move(listed).error());
  ResourcePage page;
  static_cast<PageBounds&>(page) = listed.value();
  for (auto& record : listed->records) page.items.push_back(ResourceOf(std::move(record)));
  return page;
}

Json ListEnvelope(const PageBounds& page, Json items) {
  Json envelope = {{"Marker", page.marker},
                   {"MaxItems", page.max_items},
                   {"IsTruncated", page.truncated},
                   {"Quantity", items.size()}};
  if (page.truncated) envelope["NextMarker"] = page.next_marker;
  if (!items.empty()) envelope["Items"] = std::move(items);
  return envelope;
}

DeletePrecondition RequireDisabledAndDeployed(std::string error_code, std::string message) {
  return [error_code, message](const RequestContext& ctx, const Resource& resource) -> Result<Ok, ApiError> {
    if (resource.config.value("Enabled", true) || !resource.Settled(ctx.now_ms)) {
      return Fail(MakeError(error_code, message));
    }
    return Ok{};
  };
}

std::string DeployStatus(const RequestContext& ctx, const Resource& resource) {
  return resource.Settled(ctx.now_ms) ? "Deployed" : "InProgress";
}

}  // namespace cfl::handlers
