#include "store/record_writes.h"

#include <algorithm>

namespace cfl::store::detail {
namespace {

StoreError Error(StoreErrorKind kind, std::string message) { return StoreError{kind, {}, {}, std::move(message)}; }

std::string Describe(std::string_view account, std::string_view kind, std::string_view id) {
  std::string text;
  text.append(kind).append(" ").append(id).append(" of account ").append(account);
  return text;
}

StoreError NotFound(std::string_view account, std::string_view kind, std::string_view id) {
  return Error(StoreErrorKind::kNotFound, Describe(account, kind, id) + " does not exist");
}

StoreError VersionMismatch(const Record& current, std::string_view expected_etag) {
  return Error(StoreErrorKind::kVersionMismatch, Describe(current.account, current.kind, current.id) +
                                                     " is at version " + current.etag + ", not " +
                                                     std::string(expected_etag));
}

Status RequireIdentity(const Record& record) {
  if (record.account.empty() || record.kind.empty() || record.id.empty()) {
    return Error(StoreErrorKind::kInvalidInput, "a record needs an account, a kind and an id");
  }
  return std::nullopt;
}

// Keys and references are sets; the store keeps the caller's order.
Record Normalized(Record record) {
  record.unique_keys = WithoutDuplicates(record.unique_keys);
  record.references = WithoutDuplicates(record.references);
  return record;
}

}  // namespace

StoreResult<Record> RecordWrites::Insert(InsertStep step, std::vector<CacheChange>& changes) {
  Record record = Normalized(std::move(step.record));
  const InsertRules& rules = step.rules;
  if (auto error = RequireIdentity(record)) return *error;
  if (auto error = CheckReferencesExist(record, rules.required_references)) return *error;
  if (auto error = CheckParentExists(record, rules.parent_kind)) return *error;
  if (auto error = CheckKeysAvailable(record)) return *error;
  if (auto error = CheckIdAvailable(record)) return *error;
  if (auto error = CheckBelowLimit(record, rules.max_count)) return *error;
  if (auto error = CheckSiblings(record, rules)) return *error;
  if (auto error = CheckSubsetLimit(record, rules.subset_limit)) return *error;
  auto sequence = records_.NextSequence();
  if (Failed(sequence)) return TakeError(sequence);
  record.sequence = std::get<std::int64_t>(sequence);
  if (auto error = records_.Insert(record)) return *error;
  changes.push_back(PutRecord{record, true});
  return record;
}

StoreResult<Record> RecordWrites::Replace(ReplaceStep step, std::vector<CacheChange>& changes) {
  Record next = Normalized(std::move(step.next));
  const ReplaceRules& rules = step.rules;
  auto stored = FindVersion(next.account, next.kind, next.id);
  if (Failed(stored)) return TakeError(stored);
  const auto& found = std::get<std::optional<StoredVersion>>(stored);
  if (!found) return NotFound(next.account, next.kind, next.id);
  const Record& current = found->record;
  if (rules.expected_etag && current.etag != *rules.expected_etag) {
    return VersionMismatch(current, *rules.expected_etag);
  }
  if (auto error = CheckReferencesExist(next, rules.required_references)) return *error;
  // Keys the record holds already are its own: only new ones can be taken.
  if (!found->links || *found->links != LinksOf(next)) {
    if (auto error = CheckKeysAvailable(next)) return *error;
  }
  for (const auto& kind : rules.refuse_while_referenced_by) {
    if (auto error = CheckNotReferencedBy(kind, next)) return *error;
  }
  next.created_ms = current.created_ms;
  next.sequence = current.sequence;
  if (auto error = records_.Update(next, *found)) return *error;
  changes.push_back(PutRecord{next, true});
  if (auto error = RenewDependents(next, rules, changes)) return *error;
  return next;
}

StoreResult<std::optional<StoredVersion>> RecordWrites::FindVersion(std::string_view account, std::string_view kind,
                                                                    std::string_view id) {
  if (cache_.SourceChanges() == sqlite3_total_changes64(statements_.db())) {
    if (auto cached = cache_.FindVersion(account, kind, id)) return cached;
  }
  return records_.FindVersion(account, kind, id);
}

StoreResult<Record> RecordWrites::SetMetadata(SetMetadataStep step, std::vector<CacheChange>& changes) {
  auto stored = FindExisting(step.account, step.kind, step.id);
  if (Failed(stored)) return stored;
  if (auto error = records_.UpdateMetadata(step.account, step.kind, step.id, step.metadata)) return *error;
  std::get<Record>(stored).metadata = std::move(step.metadata);
  changes.push_back(PutRecord{std::get<Record>(stored)});
  return stored;
}

StoreResult<Record> RecordWrites::Expect(const ExpectStep& step) {
  auto stored = FindExisting(step.account, step.kind, step.id);
  if (Failed(stored)) return stored;
  const auto& current = std::get<Record>(stored);
  if (current.etag != step.etag) return VersionMismatch(current, step.etag);
  return stored;
}

StoreResult<Record> RecordWrites::Delete(const DeleteStep& step, std::vector<CacheChange>& changes) {
  auto stored = FindExisting(step.account, step.kind, step.id);
  if (Failed(stored)) return stored;
  const auto& current = std::get<Record>(stored);
  if (step.rules.expected_etag && current.etag != *step.rules.expected_etag) {
    return VersionMismatch(current, *step.rules.expected_etag);
  }
  if (step.rules.refuse_while_referenced) {
    if (auto error = CheckNotReferenced(step.account, step.kind, step.id)) return *error;
  }
  if (auto error = records_.Remove(step.account, step.kind, step.id)) return *error;
  changes.push_back(EraseRecord{step.account, step.kind, step.id});
  if (auto error = RemoveChildren(step.account, step.id, step.rules, changes)) return *error;
  return stored;
}

Status RecordWrites::RemoveChildren(std::string_view account, std::string_view parent_id, const DeleteRules& rules,
                                    std::vector<CacheChange>& changes) {
  auto children = records_.FindChildren(account, parent_id);
  if (Failed(children)) return TakeError(children);
  for (auto& [kind, id] : std::get<std::vector<KindAndId>>(children)) {
    const auto& kinds = rules.child_kinds;
    if (kinds && std::find(kinds->begin(), kinds->end(), kind) == kinds->end()) continue;
    if (rules.refuse_while_referenced) {
      if (auto error = CheckNotReferenced(account, kind, id)) return error;
    }
    if (auto error = records_.Remove(account, kind, id)) return error;
    changes.push_back(EraseRecord{std::string(account), std::move(kind), std::move(id)});
  }
  return std::nullopt;
}

Status RecordWrites::RenewDependents(const Record& replaced, const ReplaceRules& rules,
                                     std::vector<CacheChange>& changes) {
  if (!rules.renew) return std::nullopt;
  for (const auto& kind : rules.renew_kinds) {
    auto dependents = records_.FindReferencingRows(replaced.account, kind, ReferenceTo(replaced.kind, replaced.id));
    if (Failed(dependents)) return TakeError(dependents);
    for (auto& dependent : std::get<std::vector<Record>>(dependents)) {
      rules.renew(dependent);
      if (auto error = records_.UpdateVersion(dependent)) return error;
      changes.push_back(PutRecord{std::move(dependent)});
    }
  }
  return std::nullopt;
}

StoreResult<std::vector<Record>> RecordWrites::Settle(TimeMs now_ms, const std::optional<std::string>& account,
                                                      const std::optional<std::string>& id) {
  // RETURNING: the cache learns exactly the rows SQLite changed.
  std::string sql = "UPDATE records SET settles_at_ms = ? WHERE settles_at_ms > ?";
  if (account) sql += " AND account = ?";
  if (id) sql += " AND id = ?";
  sql += " RETURNING ";
  sql += kRecordColumns;
  auto update = statements_.Prepare(sql);
  update.Bind(now_ms).Bind(now_ms);
  if (account) update.Bind(*account);
  if (id) update.Bind(*id);
  return records_.CollectRows(update);
}

Status RecordWrites::RemoveAll(const std::optional<std::string>& account) { return records_.RemoveAll(account); }

// Records without a sequence (<= 0) get fresh ones after the largest given,
// in the order they come.
StoreResult<std::vector<Record>> RecordWrites::ReplaceAll(std::vector<Record> given) {
  if (auto error = records_.RemoveAll(std::nullopt)) return *error;
  std::int64_t last_sequence = 0;
  for (const auto& record : given) last_sequence = std::max(last_sequence, record.sequence);
  std::vector<Record> imported;
  imported.reserve(given.size());
  for (auto& next : given) {
    Record record = Normalized(std::move(next));
    if (record.sequence <= 0) record.sequence = ++last_sequence;
    if (auto error = CheckImportable(record)) return *error;
    if (auto error = records_.Insert(record)) return *error;
    imported.push_back(std::move(record));
  }
  if (auto error = records_.SetLastSequence(last_sequence)) return *error;
  return imported;
}

StoreResult<Record> RecordWrites::FindExisting(std::string_view account, std::string_view kind, std::string_view id) {
  auto found = records_.Find(account, kind, id);
  if (Failed(found)) return TakeError(found);
  auto& record = std::get<std::optional<Record>>(found);
  if (!record) return NotFound(account, kind, id);
  return std::move(*record);
}

// kAlreadyExists when a key of record belongs to another record of its kind.
Status RecordWrites::CheckKeysAvailable(const Record& record) {
  for (const auto& key : record.unique_keys) {
    auto owner = records_.FindKeyOwner(record.account, record.kind, key);
    if (Failed(owner)) return TakeError(owner);
    const auto& owner_id = std::get<std::optional<std::string>>(owner);
    if (owner_id && *owner_id != record.id) {
      return StoreError{StoreErrorKind::kAlreadyExists, *owner_id, key,
                        "unique key " + key + " belongs to " + Describe(record.account, record.kind, *owner_id)};
    }
  }
  return std::nullopt;
}

Status RecordWrites::CheckIdAvailable(const Record& record) {
  auto sequence = records_.FindSequence(record.account, record.kind, record.id);
  if (Failed(sequence)) return TakeError(sequence);
  if (std::get<std::optional<std::int64_t>>(sequence)) {
    return StoreError{StoreErrorKind::kAlreadyExists, record.id, "id",
                      Describe(record.account, record.kind, record.id) + " already exists"};
  }
  return std::nullopt;
}

Status RecordWrites::CheckBelowLimit(const Record& record, std::optional<std::int64_t> max_count) {
  if (!max_count) return std::nullopt;
  auto count = records_.Count(record.account, record.kind);
  if (Failed(count)) return TakeError(count);
  if (std::get<std::int64_t>(count) >= *max_count) {
    return Error(StoreErrorKind::kLimitExceeded, "account " + record.account + " already holds " +
                                                     std::to_string(std::get<std::int64_t>(count)) + " " + record.kind +
                                                     " records (limit " + std::to_string(*max_count) + ")");
  }
  return std::nullopt;
}

Status RecordWrites::CheckReferencesExist(const Record& record, const std::vector<std::string>& required) {
  for (const auto& reference : required) {
    const auto colon = reference.find(':');
    if (colon == std::string::npos) {
      return Error(StoreErrorKind::kInvalidInput, "reference " + reference + " is not KIND:ID");
    }
    auto sequence = records_.FindSequence(record.account, std::string_view(reference).substr(0, colon),
                                          std::string_view(reference).substr(colon + 1));
    if (Failed(sequence)) return TakeError(sequence);
    if (!std::get<std::optional<std::int64_t>>(sequence)) {
      return StoreError{
          StoreErrorKind::kMissingReference,
          {},
          reference,
          Describe(record.account, record.kind, record.id) + " references " + reference + ", which does not exist"};
    }
  }
  return std::nullopt;
}

Status RecordWrites::CheckParentExists(const Record& record, const std::string& parent_kind) {
  if (parent_kind.empty()) return std::nullopt;
  return CheckReferencesExist(record, {ReferenceTo(parent_kind, record.parent)});
}

Status RecordWrites::CheckSiblings(const Record& record, const InsertRules& rules) {
  if (!rules.siblings_allow) return std::nullopt;
  auto siblings = records_.FindUnsettledChildren(record.account, record.kind, record.parent, rules.now_ms);
  if (Failed(siblings)) return TakeError(siblings);
  if (rules.siblings_allow(std::get<std::vector<Record>>(siblings))) return std::nullopt;
  return Error(StoreErrorKind::kLimitExceeded,
               Describe(record.account, record.kind, record.id) + " would exceed the limit of its unsettled siblings");
}

Status RecordWrites::CheckSubsetLimit(const Record& record, const std::optional<SubsetLimit>& limit) {
  if (!limit || !limit->counts(record)) return std::nullopt;
  auto rows = records_.FindRows(record.account, record.kind);
  if (Failed(rows)) return TakeError(rows);
  const auto& existing = std::get<std::vector<Record>>(rows);
  const auto counted = std::count_if(existing.begin(), existing.end(), limit->counts);
  if (counted < limit->max) return std::nullopt;
  return StoreError{StoreErrorKind::kLimitExceeded, {}, limit->name,
                    "account " + record.account + " already holds " + std::to_string(counted) + " " + record.kind +
                        " records counted by " + limit->name + " (limit " + std::to_string(limit->max) + ")"};
}

Status RecordWrites::CheckNotReferenced(std::string_view account, std::string_view kind, std::string_view id) {
  // A record listing itself does not keep itself alive.
  auto referencer = records_.FindReferencer(account, ReferenceTo(kind, id), kind, id);
  if (Failed(referencer)) return TakeError(referencer);
  if (const auto& found = std::get<std::optional<KindAndId>>(referencer)) {
    StoreError error{StoreErrorKind::kReferenced, found->id, std::string(kind),
                     Describe(account, kind, id) + " is still referenced by " + found->kind + " " + found->id};
    error.conflicting_kind = found->kind;
    return error;
  }
  return std::nullopt;
}

Status RecordWrites::CheckNotReferencedBy(std::string_view user_kind, const Record& record) {
  auto users = records_.FindReferencingRows(record.account, user_kind, ReferenceTo(record.kind, record.id));
  if (Failed(users)) return TakeError(users);
  const auto& found = std::get<std::vector<Record>>(users);
  if (found.empty()) return std::nullopt;
  StoreError error{StoreErrorKind::kReferenced, found.front().id, record.kind,
                   Describe(record.account, record.kind, record.id) + " is still referenced by " +
                       std::string(user_kind) + " " + found.front().id};
  error.conflicting_kind = std::string(user_kind);
  return error;
}

// Conflicts in a snapshot are the snapshot's fault: kInvalidInput.
Status RecordWrites::CheckImportable(const Record& record) {
  if (auto error = RequireIdentity(record)) return error;
  Status conflict = CheckIdAvailable(record);
  if (!conflict) conflict = CheckKeysAvailable(record);
  if (!conflict) {
    auto holder = records_.FindIdAtSequence(record.account, record.kind, record.sequence);
    if (Failed(holder)) return TakeError(holder);
    if (const auto& holder_id = std::get<std::optional<std::string>>(holder)) {
      conflict = Error(StoreErrorKind::kAlreadyExists,
                       "sequence " + std::to_string(record.sequence) + " is also used by " + *holder_id);
    }
  }
  if (!conflict || conflict->kind != StoreErrorKind::kAlreadyExists) return conflict;
  return Error(StoreErrorKind::kInvalidInput,
               "cannot import " + Describe(record.account, record.kind, record.id) + ": " + conflict->message);
}

}  // namespace cfl::store::detail
