#include "store/record_table.h"

#include <algorithm>

namespace cfl::store::detail {
namespace {

const std::string& FindRecordSql() {
  static const std::string sql = "SELECT " + std::string(kRecordColumns) +
                                 " FROM records WHERE account = ?1 AND kind = ?2 AND id = ?3";
  return sql;
}

Record ReadRecordRow(const Query& query) {
  Record record;
  record.account = query.Text(0);
  record.kind = query.Text(1);
  record.id = query.Text(2);
  record.parent = query.Text(3);
  record.etag = query.Text(4);
  record.document = query.Text(5);
  record.metadata = query.Text(6);
  record.created_ms = query.Int(7);
  record.modified_ms = query.Int(8);
  record.settles_at_ms = query.Int(9);
  record.sequence = query.Int(10);
  return record;
}

// The first text column of the first row, if any.
StoreResult<std::optional<std::string>> FirstText(Query& query) {
  auto step = query.Step();
  if (Failed(step)) return TakeError(step);
  if (!std::get<bool>(step)) return std::optional<std::string>();
  return std::optional<std::string>(query.Text(0));
}

StoreResult<std::vector<std::string>> TextColumn(Query& query) {
  std::vector<std::string> values;
  auto error = query.ForEachRow([&]() -> Status {
    values.push_back(query.Text(0));
    return std::nullopt;
  });
  if (error) return *error;
  return values;
}

void AppendLink(std::string& links, char tag, const std::string& value) {
  links += tag;
  links += std::to_string(value.size());
  links += ':';
  links += value;
}

}  // namespace

std::string LinksOf(const Record& record) {
  std::string links;
  for (const auto& key : record.unique_keys) AppendLink(links, 'k', key);
  for (const auto& reference : record.references) AppendLink(links, 'r', reference);
  return links;
}

std::vector<std::string> WithoutDuplicates(const std::vector<std::string>& values) {
  std::vector<std::string> unique;
  unique.reserve(values.size());
  for (const auto& value : values) {
    if (std::find(unique.begin(), unique.end(), value) == unique.end()) unique.push_back(value);
  }
  return unique;
}

StoreResult<std::optional<Record>> RecordTable::Find(std::string_view account,
                                                     std::string_view kind, std::string_view id) {
  auto found = FindRow(account, kind, id);
  if (Failed(found)) return found;
  auto& record = std::get<std::optional<Record>>(found);
  if (!record) return found;
  if (auto error = FillKeysAndReferences(*record)) return *error;
  return found;
}

StoreResult<std::optional<Record>> RecordTable::FindRow(std::string_view account,
                                                        std::string_view kind,
                                                        std::string_view id) {
  auto query = statements_.Prepare(FindRecordSql());
  query.Bind(account).Bind(kind).Bind(id);
  auto step = query.Step();
  if (Failed(step)) return TakeError(step);
  if (!std::get<bool>(step)) return std::optional<Record>();
  return std::optional<Record>(ReadRecordRow(query));
}

StoreResult<std::optional<StoredVersion>> RecordTable::FindVersion(std::string_view account, std::string_view kind,
                                                                   std::string_view id) {
  auto query = statements_.Prepare(
      "SELECT etag, created_ms, sequence, links, parent FROM records WHERE account = ?1 AND kind = ?2 AND id = ?3");
  query.BindBorrowed(account).BindBorrowed(kind).BindBorrowed(id);
  auto step = query.Step();
  if (Failed(step)) return TakeError(step);
  if (!std::get<bool>(step)) return std::optional<StoredVersion>();
  StoredVersion stored;
  stored.record.account = std::string(account);
  stored.record.kind = std::string(kind);
  stored.record.id = std::string(id);
  stored.record.etag = query.Text(0);
  stored.record.created_ms = query.Int(1);
  stored.record.sequence = query.Int(2);
  if (!query.IsNull(3)) stored.links = query.Text(3);
  stored.record.parent = query.Text(4);
  return std::optional<StoredVersion>(std::move(stored));
}

StoreResult<std::vector<Record>> RecordTable::Collect(Query& query) {
  auto collected = CollectRows(query);
  if (Failed(collected)) return collected;
  for (auto& record : std::get<std::vector<Record>>(collected)) {
    if (auto error = FillKeysAndReferences(record)) return *error;
  }
  return collected;
}

StoreResult<std::vector<Record>> RecordTable::CollectRows(Query& query) {
  std::vector<Record> records;
  auto error = query.ForEachRow([&]() -> Status {
    records.push_back(ReadRecordRow(query));
    return std::nullopt;
  });
  if (error) return *error;
  return records;
}

Status RecordTable::FillKeysAndReferences(Record& record) {
  auto keys_query = statements_.Prepare(
      "SELECT unique_key FROM unique_keys WHERE account = ?1 AND kind = ?2 AND id = ?3 "
      "ORDER BY position");
  keys_query.Bind(record.account).Bind(record.kind).Bind(record.id);
  auto keys = TextColumn(keys_query);
  if (Failed(keys)) return TakeError(keys);
  record.unique_keys = std::move(std::get<std::vector<std::string>>(keys));

  auto references_query = statements_.Prepare(
      "SELECT reference FROM references_ WHERE account = ?1 AND kind = ?2 AND id = ?3 "
      "ORDER BY position");
  references_query.Bind(record.account).Bind(record.kind).Bind(record.id);
  auto references = TextColumn(references_query);
  if (Failed(references)) return TakeError(references);
  record.references = std::move(std::get<std::vector<std::string>>(references));
  return std::nullopt;
}

StoreResult<std::optional<std::string>> RecordTable::FindKeyOwner(std::string_view account,
                                                                  std::string_view kind,
                                                                  std::string_view key) {
  auto query = statements_.Prepare(
      "SELECT id FROM unique_keys WHERE account = ?1 AND kind = ?2 AND unique_key = ?3");
  query.Bind(account).Bind(kind).Bind(key);
  return FirstText(query);
}

StoreResult<std::optional<std::int64_t>> RecordTable::FindSequence(std::string_view account,
                                                                   std::string_view kind,
                                                                   std::string_view id) {
  auto query = statements_.Prepare(
      "SELECT sequence FROM records WHERE account = ?1 AND kind = ?2 AND id = ?3");
  query.Bind(account).Bind(kind).Bind(id);
  auto step = query.Step();
  if (Failed(step)) return TakeError(step);
  if (!std::get<bool>(step)) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(query.Int(0));
}

StoreResult<std::optional<std::string>> RecordTable::FindIdAtSequence(std::string_view account,
                                                                      std::string_view kind,
                                                                      std::int64_t sequence) {
  auto query = statements_.Prepare(
      "SELECT id FROM records WHERE account = ?1 AND kind = ?2 AND sequence = ?3");
  query.Bind(account).Bind(kind).Bind(sequence);
  return FirstText(query);
}

StoreResult<std::optional<KindAndId>> RecordTable::FindReferencer(std::string_view account,
                                                                  std::string_view reference,
                                                                  std::string_view except_kind,
                                                                  std::string_view except_id) {
  auto query = statements_.Prepare(
      "SELECT kind, id FROM references_ WHERE account = ?1 AND reference = ?2 "
      "AND NOT (kind = ?3 AND id = ?4) LIMIT 1");
  query.Bind(account).Bind(reference).Bind(except_kind).Bind(except_id);
  auto step = query.Step();
  if (Failed(step)) return TakeError(step);
  if (!std::get<bool>(step)) return std::optional<KindAndId>();
  return std::optional<KindAndId>(KindAndId{query.Text(0), query.Text(1)});
}

StoreResult<std::vector<Record>> RecordTable::FindReferencingRows(std::string_view account,
                                                                  std::string_view kind,
                                                                  std::string_view reference) {
  static const std::string sql = "SELECT " + std::string(kRecordColumns) +
                                 " FROM records WHERE account = ?1 AND kind = ?2 AND id IN "
                                 "(SELECT id FROM references_ WHERE account = ?1 AND kind = ?2 AND reference = ?3) "
                                 "ORDER BY sequence";
  auto query = statements_.Prepare(sql);
  query.Bind(account).Bind(kind).Bind(reference);
  return CollectRows(query);
}

StoreResult<std::vector<Record>> RecordTable::FindUnsettledChildren(std::string_view account,
                                                                    std::string_view kind,
                                                                    std::string_view parent, TimeMs now_ms) {
  static const std::string sql = "SELECT " + std::string(kRecordColumns) +
                                 " FROM records WHERE account = ?1 AND kind = ?2 AND parent = ?3 "
                                 "AND settles_at_ms > ?4 ORDER BY sequence";
  auto query = statements_.Prepare(sql);
  query.Bind(account).Bind(kind).Bind(parent).Bind(now_ms);
  return CollectRows(query);
}

StoreResult<std::vector<Record>> RecordTable::FindRows(std::string_view account, std::string_view kind) {
  static const std::string sql =
      "SELECT " + std::string(kRecordColumns) + " FROM records WHERE account = ?1 AND kind = ?2";
  auto query = statements_.Prepare(sql);
  query.Bind(account).Bind(kind);
  return CollectRows(query);
}

StoreResult<std::int64_t> RecordTable::Count(std::string_view account, std::string_view kind) {
  auto query = statements_.Prepare("SELECT n FROM record_counts WHERE account = ?1 AND kind = ?2");
  query.Bind(account).Bind(kind);
  auto step = query.Step();
  if (Failed(step)) return TakeError(step);
  return std::get<bool>(step) ? query.Int(0) : 0;
}

StoreResult<std::vector<KindAndId>> RecordTable::FindChildren(
    std::string_view account, std::string_view parent_id) {
  auto query = statements_.Prepare("SELECT kind, id FROM records WHERE account = ?1 AND parent = ?2");
  query.Bind(account).Bind(parent_id);
  std::vector<KindAndId> children;
  if (auto error = query.ForEachRow([&]() -> Status {
        children.push_back({query.Text(0), query.Text(1)});
        return std::nullopt;
      })) {
    return *error;
  }
  return children;
}

StoreResult<std::int64_t> RecordTable::NextSequence() {
  auto query = statements_.Prepare(
      "UPDATE meta SET value = value + 1 WHERE name = 'last_sequence' RETURNING value");
  auto step = query.Step();
  if (Failed(step)) return TakeError(step);
  if (!std::get<bool>(step)) {
    return StoreError{StoreErrorKind::kIo, {}, {}, "the sequence counter is missing from meta"};
  }
  const std::int64_t sequence = query.Int(0);
  if (auto error = query.Run()) return *error;  // finish the statement
  return sequence;
}

Status RecordTable::SetLastSequence(std::int64_t sequence) {
  auto query = statements_.Prepare("UPDATE meta SET value = ?1 WHERE name = 'last_sequence'");
  query.Bind(sequence);
  return query.Run();
}

Status RecordTable::Insert(const Record& record) {
  {
    static const std::string sql = "INSERT INTO records (" + std::string(kRecordColumns) +
                                   ", links) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
    const std::string links = LinksOf(record);
    auto query = statements_.Prepare(sql);
    // The record and links outlive the query: bound in place, not copied.
    query.BindBorrowed(record.account).BindBorrowed(record.kind).BindBorrowed(record.id).BindBorrowed(record.parent);
    query.BindBorrowed(record.etag).BindBorrowed(record.document).BindBorrowed(record.metadata);
    query.Bind(record.created_ms).Bind(record.modified_ms).Bind(record.settles_at_ms);
    query.Bind(record.sequence).BindBorrowed(links);
    if (auto error = query.Run()) return error;
  }
  return WriteKeysAndReferences(record);
}

Status RecordTable::Update(const Record& record, const StoredVersion& stored) {
  const std::string links = LinksOf(record);
  {
    // A parent in SET rewrites the row's records_by_parent entry, even to the
    // same value: a record that keeps its parent (every update) leaves it out.
    const bool same_parent = record.parent == stored.record.parent;
    static const std::string kSet =
        "UPDATE records SET etag = ?4, document = ?5, metadata = ?6, modified_ms = ?7, settles_at_ms = ?8, links = ?9";
    static const std::string kWhere = " WHERE account = ?1 AND kind = ?2 AND id = ?3";
    static const std::string kKeepParent = kSet + kWhere;
    static const std::string kMoveParent = kSet + ", parent = ?10" + kWhere;
    auto query = statements_.Prepare(same_parent ? kKeepParent : kMoveParent);
    // The record and links outlive the query: bound in place, not copied.
    query.BindBorrowed(record.account).BindBorrowed(record.kind).BindBorrowed(record.id);
    query.BindBorrowed(record.etag).BindBorrowed(record.document).BindBorrowed(record.metadata);
    query.Bind(record.modified_ms).Bind(record.settles_at_ms).BindBorrowed(links);
    if (!same_parent) query.BindBorrowed(record.parent);
    if (auto error = query.Run()) return error;
  }
  // Most updates keep their keys and references (the same caller reference,
  // aliases and policies): comparing is cheaper than rewriting them.
  if (stored.links && *stored.links == links) return std::nullopt;
  if (auto error = RemoveKeysAndReferences(record.account, record.kind, record.id)) return error;
  return WriteKeysAndReferences(record);
}

Status RecordTable::UpdateVersion(const Record& record) {
  auto query = statements_.Prepare(
      "UPDATE records SET etag = ?4, modified_ms = ?5, settles_at_ms = ?6 "
      "WHERE account = ?1 AND kind = ?2 AND id = ?3");
  query.Bind(record.account).Bind(record.kind).Bind(record.id);
  query.Bind(record.etag).Bind(record.modified_ms).Bind(record.settles_at_ms);
  return query.Run();
}

Status RecordTable::UpdateMetadata(std::string_view account, std::string_view kind,
                                   std::string_view id, std::string_view metadata) {
  auto query = statements_.Prepare(
      "UPDATE records SET metadata = ?4 WHERE account = ?1 AND kind = ?2 AND id = ?3");
  query.Bind(account).Bind(kind).Bind(id).Bind(metadata);
  return query.Run();
}

Status RecordTable::Remove(std::string_view account, std::string_view kind, std::string_view id) {
  {
    auto query =
        statements_.Prepare("DELETE FROM records WHERE account = ?1 AND kind = ?2 AND id = ?3");
    query.Bind(account).Bind(kind).Bind(id);
    if (auto error = query.Run()) return error;
  }
  return RemoveKeysAndReferences(account, kind, id);
}

Status RecordTable::RemoveAll(const std::optional<std::string>& account) {
  for (const char* table : {"records", "unique_keys", "references_"}) {
    std::string sql = std::string("DELETE FROM ") + table;
    if (account) sql += " WHERE account = ?1";
    auto query = statements_.Prepare(sql);
    if (account) query.Bind(*account);
    if (auto error = query.Run()) return error;
  }
  return std::nullopt;
}

// Callers pass deduplicated lists (WithoutDuplicates): a key repeated within
// one record would collide with itself on the primary key.
Status RecordTable::WriteKeysAndReferences(const Record& record) {
  std::int64_t position = 0;
  for (const auto& key : record.unique_keys) {
    auto query = statements_.Prepare(
        "INSERT INTO unique_keys (account, kind, unique_key, id, position) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    query.Bind(record.account).Bind(record.kind).Bind(key).Bind(record.id).Bind(position++);
    if (auto error = query.Run()) return error;
  }
  position = 0;
  for (const auto& reference : record.references) {
    auto query = statements_.Prepare(
        "INSERT INTO references_ (account, kind, id, position, reference) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    query.Bind(record.account).Bind(record.kind).Bind(record.id).Bind(position++).Bind(reference);
    if (auto error = query.Run()) return error;
  }
  return std::nullopt;
}

Status RecordTable::RemoveKeysAndReferences(std::string_view account, std::string_view kind,
                                            std::string_view id) {
  for (const char* sql : {"DELETE FROM unique_keys WHERE account = ?1 AND kind = ?2 AND id = ?3",
                          "DELETE FROM references_ WHERE account = ?1 AND kind = ?2 AND id = ?3"}) {
    auto query = statements_.Prepare(sql);
    query.Bind(account).Bind(kind).Bind(id);
    if (auto error = query.Run()) return error;
  }
  return std::nullopt;
}

}  // namespace cfl::store::detail
