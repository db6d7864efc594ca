// Row-level access to the records, unique_keys and references_ tables. No
// business rules and no transactions here: SqliteStore decides what may change
// and wraps these calls in a transaction.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/sqlite_statement.h"

namespace cfl::store::detail {

// The columns every record query selects, in the order ReadRecordRow expects.
inline constexpr std::string_view kRecordColumns =
    "account, kind, id, parent, etag, document, metadata, created_ms, modified_ms, "
    "settles_at_ms, sequence";

// What a replace checks and keeps of a stored version: the record's identity,
// etag, created_ms and sequence (no document, metadata, keys or references),
// and its links.
struct StoredVersion {
  Record record;
  // Its unique keys and references as LinksOf encodes them; nullopt for a row
  // stored before rows held them.
  std::optional<std::string> links;
};

// A record's unique keys and references, in order, in one text: equal texts,
// equal lists (each entry is length-prefixed).
std::string LinksOf(const Record& record);

// Names a record within its account.
struct KindAndId {
  std::string kind;
  std::string id;
};

class RecordTable {
 public:
  explicit RecordTable(StatementCache& statements) : statements_(statements) {}

  // The record with its unique keys and references, or nullopt.
  StoreResult<std::optional<Record>> Find(std::string_view account, std::string_view kind,
                                          std::string_view id);
  // The record's row only: unique_keys and references stay empty. Two queries
  // cheaper than Find, for callers that do not look at them.
  StoreResult<std::optional<Record>> FindRow(std::string_view account, std::string_view kind,
                                             std::string_view id);
  // The stored version of the record (its etag, parent, created_ms, sequence
  // and links; not its document or metadata), or nullopt.
  StoreResult<std::optional<StoredVersion>> FindVersion(std::string_view account, std::string_view kind,
                                                        std::string_view id);
  // Every row of a query selecting kRecordColumns, with keys and references.
  StoreResult<std::vector<Record>> Collect(Query& query);
  // Every row of such a query; unique_keys and references stay empty.
  StoreResult<std::vector<Record>> CollectRows(Query& query);

  StoreResult<std::optional<std::string>> FindKeyOwner(std::string_view account,
                                                       std::string_view kind,
                                                       std::string_view key);
  StoreResult<std::optional<std::int64_t>> FindSequence(std::string_view account,
                                                        std::string_view kind,
                                                        std::string_view id);
  StoreResult<std::optional<std::string>> FindIdAtSequence(std::string_view account,
                                                           std::string_view kind,
                                                           std::int64_t sequence);
  // Some record of the account other than (kind, id) that lists reference.
  StoreResult<std::optional<KindAndId>> FindReferencer(std::string_view account,
                                                         std::string_view reference,
                                                         std::string_view except_kind,
                                                         std::string_view except_id);
  // The rows (without keys and references) of the account's records of kind
  // that list reference.
  StoreResult<std::vector<Record>> FindReferencingRows(std::string_view account, std::string_view kind,
                                                       std::string_view reference);
  // The rows of the records of (account, kind) whose parent is parent and
  // whose settles_at_ms is after now_ms.
  StoreResult<std::vector<Record>> FindUnsettledChildren(std::string_view account, std::string_view kind,
                                                         std::string_view parent, TimeMs now_ms);
  // The rows (without keys and references) of every record of (account, kind).
  StoreResult<std::vector<Record>> FindRows(std::string_view account, std::string_view kind);
  StoreResult<std::int64_t> Count(std::string_view account, std::string_view kind);
  // Every record of the account whose parent is parent_id.
  StoreResult<std::vector<KindAndId>> FindChildren(std::string_view account, std::string_view parent_id);

  // Hands out the next global sequence number.
  StoreResult<std::int64_t> NextSequence();
  Status SetLastSequence(std::int64_t sequence);

  // Writes the row, its keys and its references (record.sequence as given).
  Status Insert(const Record& record);
  // Rewrites the mutable columns of the row (the parent only if it changed),
  // and its keys and references unless stored (FindVersion's) says they are
  // record's already.
  Status Update(const Record& record, const StoredVersion& stored);
  // Rewrites only etag, modified_ms and settles_at_ms of the row.
  Status UpdateVersion(const Record& record);
  Status UpdateMetadata(std::string_view account, std::string_view kind, std::string_view id,
                        std::string_view metadata);
  // Removes the row, its keys and its references.
  Status Remove(std::string_view account, std::string_view kind, std::string_view id);
  // Removes everything (of one account when set).
  Status RemoveAll(const std::optional<std::string>& account);

 private:
  Status FillKeysAndReferences(Record& record);
  Status WriteKeysAndReferences(const Record& record);
  Status RemoveKeysAndReferences(std::string_view account, std::string_view kind,
                                 std::string_view id);

  StatementCache& statements_;
};

// Drops repeated entries, keeping the first occurrence's position.
std::vector<std::string> WithoutDuplicates(const std::vector<std::string>& values);

}  // namespace cfl::store::detail
