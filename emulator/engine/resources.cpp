#include "emulator/engine/resources.h"

#include <algorithm>
#include <charconv>

#include "emulator/codec/json_text.h"
#include "emulator/common/ids.h"
#include "emulator/engine/deployed.h"
#include "emulator/engine/references.h"
#include "emulator/engine/registry.h"

namespace cfl::engine {
namespace {

constexpr std::string_view kCallerKeyPrefix = "caller:";
constexpr std::string_view kNameKeyPrefix = "name:";

ApiError NotFound(const Family& family) { return family.errors.not_found(); }

}  // namespace

// Caller references are unique per parent (an invalidation's per distribution).
std::vector<std::string> UniqueKeysOf(const Family& family, const Json& config, const std::string& parent) {
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

ApiError ConflictError(const Family& family, const store::StoreError& error) {
  if (error.conflicting_key.starts_with(kCallerKeyPrefix) || error.conflicting_key.starts_with(kNameKeyPrefix) ||
      error.conflicting_key == "id" || !family.key_conflict) {
    ApiError conflict = family.errors.already_exists();
    conflict.message += " Already exists: " + error.conflicting_id;
    return conflict;
  }
  return family.key_conflict(error);
}

std::int64_t SettlesAt(const RequestContext& ctx, const Family& family) {
  return ctx.now_ms + (family.settle_delay_ms ? family.settle_delay_ms(ctx) : 0);
}

// The family's derive_metadata of config merged into metadata.
Result<Ok, ApiError> DeriveMetadata(RequestContext& ctx, const Family& family, const Json& config, Json& metadata) {
  if (!family.derive_metadata || !metadata.is_object()) return Ok{};
  auto derived = family.derive_metadata(ctx, config, metadata);
  if (!derived) return Fail(std::move(derived).error());
  for (auto& [member, value] : derived->items()) {
    if (value.is_null()) {
      metadata.erase(member);
    } else {
      metadata[member] = std::move(value);
    }
  }
  return Ok{};
}

Result<store::Record, ApiError> BuildRecord(RequestContext& ctx, const Family& family, const Json& config,
                                            std::string parent, ReferenceSet& references) {
  auto found = ReferencesOf(ctx, family.kind, config);
  if (!found) return Fail(std::move(found).error());
  references = std::move(found).value();
  store::Record record;
  record.parent = std::move(parent);
  record.account = ctx.account;
  record.kind = std::string(family.kind);
  record.etag = family.versioning == Versioning::kNone ? std::string() : ids::ETag();
  record.document = model::DumpJson(config);
  record.unique_keys = UniqueKeysOf(family, config, record.parent);
  record.references = references.all;
  record.modified_ms = ctx.now_ms;
  record.settles_at_ms = SettlesAt(ctx, family);
  return record;
}

// The version an update or delete must match: nullopt when the family has
// no versions.
Result<std::optional<std::string>, ApiError> ExpectedVersion(const Family& family, const Json& if_match) {
  if (family.versioning == Versioning::kNone) return std::optional<std::string>();
  if (!if_match.is_string() || if_match.get_ref<const std::string&>().empty()) {
    return Fail(errors::InvalidIfMatchVersion({}));
  }
  return std::optional<std::string>(if_match.get<std::string>());
}

// Loads the resource and checks that if_match names its current version.
Result<Resource, ApiError> LoadCurrentVersion(RequestContext& ctx, const Family& family, const std::string& id,
                                              const Json& if_match) {
  auto expected = ExpectedVersion(family, if_match);
  if (!expected) return Fail(std::move(expected).error());
  auto current = LoadResource(ctx, family, id);
  if (!current) return current;
  if (expected.value() && current->etag() != *expected.value()) return Fail(errors::PreconditionFailed({}));
  return current;
}

// A new version for each record that references a changed one (a
// distribution using an updated policy): new ETag, LastModifiedTime, settling.
std::function<void(store::Record&)> Renewal(const RequestContext& ctx) {
  const std::int64_t now_ms = ctx.now_ms;
  // Settling delays are the users' families', read now, not in the transaction.
  std::unordered_map<std::string, std::int64_t> settles_at;
  for (const auto* definition : Registry::Get().Families()) {
    settles_at[std::string(definition->family.kind)] = SettlesAt(ctx, definition->family);
  }
  return [now_ms, settles_at = std::move(settles_at)](store::Record& user) {
    user.etag = ids::ETag();
    user.modified_ms = now_ms;
    const auto found = settles_at.find(user.kind);
    user.settles_at_ms = found == settles_at.end() ? now_ms : found->second;
  };
}

// Whether a reference row names family's kind or the kind of a record it owns.
bool ReferencedWithChildren(const Family& family, const std::vector<std::string>& child_kinds) {
  if (IsReferenced(family.kind)) return true;
  return std::any_of(child_kinds.begin(), child_kinds.end(), [](const std::string& kind) { return IsReferenced(kind); });
}

// The record and the family's companions of it, in one transaction.
store::StoreResult<store::Record> InsertWithCompanions(const RequestContext& ctx, const Family& family,
                                                       store::Record record, store::InsertRules rules) {
  if (!family.companions) return ctx.services.store.Insert(std::move(record), std::move(rules));
  std::vector<store::WriteStep> steps;
  auto companions = family.companions(ctx, record);
  steps.emplace_back(store::InsertStep{std::move(record), std::move(rules)});
  for (auto& companion : companions) steps.emplace_back(store::InsertStep{std::move(companion)});
  auto written = ctx.services.store.Transact(std::move(steps));
  if (auto* error = std::get_if<store::StoreError>(&written)) return std::move(*error);
  return std::move(std::get<std::vector<store::Record>>(written).front());
}

}  // namespace

std::string LiveKind(std::string_view kind) { return std::string(kind) + "-live"; }

std::vector<std::string> ChildKinds(const Family& family, std::span<const FamilyDefinition* const> families) {
  std::vector<std::string> kinds;
  if (family.versioning == Versioning::kPerStage) kinds.push_back(LiveKind(family.kind));
  for (const auto kind : family.child_kinds) kinds.emplace_back(kind);
  for (const auto* definition : families) {
    if (definition->family.parent_kind == family.kind) kinds.emplace_back(definition->family.kind);
  }
  return kinds;
}

std::vector<std::string> ChildKinds(const Family& family) { return ChildKinds(family, Registry::Get().Families()); }

const ManagedRecord* FindManaged(const ManagedRecords* records, std::string_view id) {
  if (!records) return nullptr;
  const auto it = std::find_if(records->begin(), records->end(), [&](const ManagedRecord& r) { return r.id == id; });
  return it == records->end() ? nullptr : &*it;
}

ApiError StoreFailure(const store::StoreError& error) {
  return errors::InternalError("The store failed: " + error.message);
}

ApiError MapStoreError(const Family& family, const store::StoreError& error) {
  switch (error.kind) {
    case store::StoreErrorKind::kNotFound:
      return NotFound(family);
    case store::StoreErrorKind::kVersionMismatch:
      return errors::PreconditionFailed({});
    case store::StoreErrorKind::kAlreadyExists:
      return ConflictError(family, error);
    case store::StoreErrorKind::kReferenced:
      return InUseError(error.conflicting_key, error.conflicting_kind);
    case store::StoreErrorKind::kMissingReference:
      return MissingReferenceError(family.kind, error.conflicting_key);
    case store::StoreErrorKind::kLimitExceeded:
      return family.errors.limit ? family.errors.limit() : StoreFailure(error);
    default:
      return StoreFailure(error);
  }
}

Result<Resource, ApiError> CreateResource(RequestContext& ctx, const Family& family, Json config, CreateOptions options,
                                          bool* replayed) {
  if (family.prepare) {
    if (auto prepared = family.prepare(ctx, config, nullptr); !prepared) return Fail(std::move(prepared).error());
  }
  ReferenceSet references;
  auto built = BuildRecord(ctx, family, config, std::move(options.parent), references);
  if (!built) return Fail(std::move(built).error());
  store::Record record = std::move(built).value();
  if (options.id) {
    record.id = *options.id;
  } else {
    record.id = family.id_member.empty() ? family.new_id() : StringMember(config, family.id_member);
  }
  record.created_ms = ctx.now_ms;
  if (!family.settles_on_create) record.settles_at_ms = ctx.now_ms;
  Json metadata = family.new_metadata ? family.new_metadata(ctx) : Json::object();
  metadata.update(options.metadata);
  if (auto derived = DeriveMetadata(ctx, family, config, metadata); !derived) return Fail(std::move(derived).error());
  record.metadata = DumpMetadata(std::move(metadata));
  store::InsertRules rules;
  rules.required_references = std::move(references.required);
  if (!family.parent_kind.empty()) rules.parent_kind = std::string(family.parent_kind);
  if (family.max_per_account) rules.max_count = family.max_per_account(ctx);
  if (family.siblings_allow) {
    rules.now_ms = ctx.now_ms;
    rules.siblings_allow = [&](const std::vector<store::Record>& siblings) {
      return family.siblings_allow(config, siblings);
    };
  }
  rules.subset_limit = family.subset_limit;
  auto inserted = InsertWithCompanions(ctx, family, std::move(record), std::move(rules));
  if (auto* error = std::get_if<store::StoreError>(&inserted)) {
    if (family.subset_limit && error->kind == store::StoreErrorKind::kLimitExceeded &&
        error->conflicting_key == family.subset_limit->name) {
      return Fail(family.subset_limit_error());
    }
    if (family.replay_identical && error->kind == store::StoreErrorKind::kAlreadyExists &&
        error->conflicting_key.starts_with(kCallerKeyPrefix)) {
      auto existing = LoadResource(ctx, family, error->conflicting_id);
      if (existing && existing->config() == config) {
        if (replayed) *replayed = true;
        return existing;
      }
    }
    return Fail(MapStoreError(family, *error));
  }
  return ResourceOf(std::get<store::Record>(std::move(inserted)), std::move(config));
}

Result<store::Record, ApiError> LoadRecord(RequestContext& ctx, const Family& family, const std::string& id) {
  auto record = ctx.services.store.Get(ctx.account, family.kind, id);
  if (!record) return Fail(NotFound(family));
  return std::move(*record);
}

Result<Resource, ApiError> LoadResource(RequestContext& ctx, const Family& family, const std::string& id) {
  auto record = LoadRecord(ctx, family, id);
  if (!record) return Fail(std::move(record).error());
  return ResourceOf(std::move(record).value());
}

Result<store::ReplaceStep, ApiError> NextVersion(RequestContext& ctx, const Family& family, const Resource& current,
                                                const Json& config) {
  ReferenceSet references;
  auto built = BuildRecord(ctx, family, config, current.record.parent, references);
  if (!built) return Fail(std::move(built).error());
  store::ReplaceStep step{std::move(built).value()};
  step.next.id = current.id();
  if (family.settle_delay_ms || family.derive_metadata) {
    Json metadata = *ParsedMetadata(current.record.metadata);
    // Viewers keep the deployed config until this one deploys.
    if (family.settle_delay_ms) KeepDeployedConfig(family, current.record, step.next, ctx.now_ms, metadata);
    if (auto derived = DeriveMetadata(ctx, family, config, metadata); !derived) return Fail(std::move(derived).error());
    step.next.metadata = metadata.is_object() ? DumpMetadata(std::move(metadata)) : current.record.metadata;
  } else {
    step.next.metadata = current.record.metadata;
  }
  // The version the caller read: a writer in between makes this a 412.
  if (family.versioning != Versioning::kNone) step.rules.expected_etag = current.etag();
  step.rules.required_references = std::move(references.required);
  step.rules.renew_kinds = RenewedUsersOf(family.kind);
  if (!step.rules.renew_kinds.empty()) step.rules.renew = Renewal(ctx);
  step.rules.refuse_while_referenced_by = KindsRefusingUpdate(family.kind, config);
  return step;
}

Result<Resource, ApiError> UpdateResource(RequestContext& ctx, const Family& family, const std::string& id,
                                          const Json& if_match, Json config, bool run_prepare) {
  auto current = LoadCurrentVersion(ctx, family, id, if_match);
  if (!current) return current;
  const auto member = family.caller_reference_member;
  if (!member.empty() && StringMember(config, member) != StringMember(current->config(), member)) {
    return Fail(errors::IllegalUpdate("The update contains modifications that are not allowed: " + std::string(member) +
                                      " cannot be changed."));
  }
  if (family.prepare && run_prepare) {
    if (auto prepared = family.prepare(ctx, config, &current.value()); !prepared) {
      return Fail(std::move(prepared).error());
    }
  }
  auto step = NextVersion(ctx, family, current.value(), config);
  if (!step) return Fail(std::move(step).error());
  auto replaced = ctx.services.store.Replace(std::move(step->next), std::move(step->rules));
  if (auto* error = std::get_if<store::StoreError>(&replaced)) return Fail(MapStoreError(family, *error));
  return ResourceOf(std::get<store::Record>(std::move(replaced)), std::move(config));
}

Result<Resource, ApiError> DeleteResource(RequestContext& ctx, const Family& family, const std::string& id,
                                          const Json& if_match) {
  auto current = LoadCurrentVersion(ctx, family, id, if_match);
  if (!current) return current;
  if (family.must_disable_before_delete && (current->config().value("Enabled", true) || !current->Settled(ctx.now_ms))) {
    return Fail(family.errors.not_disabled());
  }
  store::DeleteRules rules;
  if (family.versioning != Versioning::kNone) rules.expected_etag = current->etag();
  rules.child_kinds = ChildKinds(family);
  rules.refuse_while_referenced = ReferencedWithChildren(family, *rules.child_kinds);
  auto deleted = ctx.services.store.Delete(ctx.account, family.kind, id, std::move(rules));
  if (auto* error = std::get_if<store::StoreError>(&deleted)) return Fail(MapStoreError(family, *error));
  return ResourceOf(std::get<store::Record>(std::move(deleted)));
}

Result<Resource, ApiError> PublishResource(RequestContext& ctx, const Family& family, const Family& live,
                                           const std::string& id, const Json& if_match) {
  auto current = LoadCurrentVersion(ctx, family, id, if_match);
  if (!current) return current;
  ReferenceSet references;
  auto built = BuildRecord(ctx, live, current->config(), id, references);
  if (!built) return Fail(std::move(built).error());
  store::Record next = std::move(built).value();
  next.id = id;
  next.metadata = current->record.metadata;
  next.created_ms = current->record.created_ms;
  std::vector<store::WriteStep> steps;
  steps.emplace_back(store::ExpectStep{ctx.account, std::string(family.kind), id, current->etag()});
  if (auto published = ctx.services.store.Get(ctx.account, live.kind, id)) {
    store::ReplaceRules rules{.expected_etag = published->etag, .required_references = std::move(references.required)};
    steps.emplace_back(store::ReplaceStep{std::move(next), std::move(rules)});
  } else {
    store::InsertRules rules{.required_references = std::move(references.required)};
    steps.emplace_back(store::InsertStep{std::move(next), std::move(rules)});
  }
  auto written = ctx.services.store.Transact(std::move(steps));
  if (auto* error = std::get_if<store::StoreError>(&written)) {
    return Fail(MapStoreError(error->step == 0 ? family : live, *error));
  }
  auto records = std::get<std::vector<store::Record>>(std::move(written));
  return ResourceOf(std::move(records.back()), current->config());
}

Result<Resource, ApiError> UpdateMetadata(RequestContext& ctx, const Family& family, const std::string& id,
                                          Json metadata) {
  auto updated = ctx.services.store.SetMetadata(ctx.account, family.kind, id, DumpMetadata(std::move(metadata)));
  if (auto* error = std::get_if<store::StoreError>(&updated)) return Fail(MapStoreError(family, *error));
  return ResourceOf(std::get<store::Record>(std::move(updated)));
}

Result<std::int64_t, ApiError> ParseMaxItems(const Json& input) {
  // An integer in the newer inputs' bodies (ListConnectionGroups), a string in the query's.
  if (const Json& number = MemberOf(input, "MaxItems"); number.is_number_integer()) {
    if (number.get<std::int64_t>() < 0) {
      return Fail(errors::InvalidArgument("The value of MaxItems must be a non-negative integer."));
    }
    return std::min<std::int64_t>(number.get<std::int64_t>(), 1000);
  }
  const std::string text = StringMember(input, "MaxItems");
  if (text.empty()) return std::int64_t{100};
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) {
    return Fail(errors::InvalidArgument("The value of MaxItems must be a non-negative integer."));
  }
  return std::min<std::int64_t>(value, 1000);
}

Result<RecordPage, ApiError> ListRecords(RequestContext& ctx, const Family& family, const Json& input,
                                         std::optional<std::string> parent) {
  auto max_items = ParseMaxItems(input);
  if (!max_items) return Fail(std::move(max_items).error());
  RecordPage page;
  page.marker = StringMember(input, "Marker");
  page.max_items = max_items.value();
  store::ListQuery query{ctx.account,
                         std::string(family.kind),
                         std::move(parent),
                         page.marker,
                         static_cast<std::size_t>(page.max_items),
                         family.list_newest_first};
  auto listed = ctx.services.store.List(query);
  page.records = std::move(listed.records);
  page.truncated = listed.truncated;
  if (page.truncated && !page.records.empty()) page.next_marker = page.records.back().id;
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

}  // namespace cfl::engine
