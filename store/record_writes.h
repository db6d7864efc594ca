// The rules of every mutation: compare-and-swap on the etag, uniqueness of ids
// and keys, limits, reference guards; over RecordTable.
//
// Each method runs inside a write transaction its caller opened (in a batch,
// a savepoint of its own), and reads what the writes before it in that
// transaction wrote, so the checks hold within a batch too. A method that
// fails may have written part of its change: the caller rolls it back.
//
// Not thread safe: the caller holds the connection exclusively.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/record_cache.h"
#include "store/record_table.h"

namespace cfl::store::detail {

class RecordWrites {
 public:
  // cache: the store's, read (never changed) to find a stored version
  // without a query while the database still holds what the cache does.
  RecordWrites(StatementCache& statements, RecordTable& records, const RecordCache& cache)
      : statements_(statements), records_(records), cache_(cache) {}

  // The steps of Store::Transact (store.h). Each returns the record as the
  // step leaves it, with its keys and references (a delete: the record as it
  // was), and appends to changes what the cache is to do once the
  // transaction has committed (renewed dependents and removed children too).
  StoreResult<Record> Insert(InsertStep step, std::vector<CacheChange>& changes);
  StoreResult<Record> Replace(ReplaceStep step, std::vector<CacheChange>& changes);
  StoreResult<Record> Delete(const DeleteStep& step, std::vector<CacheChange>& changes);
  StoreResult<Record> SetMetadata(SetMetadataStep step, std::vector<CacheChange>& changes);
  StoreResult<Record> Expect(const ExpectStep& step);

  // Store::SettleAll; returns the records it changed, as they are now
  // (without keys and references).
  StoreResult<std::vector<Record>> Settle(TimeMs now_ms, const std::optional<std::string>& account,
                                          const std::optional<std::string>& id);

  // Store::Reset.
  Status RemoveAll(const std::optional<std::string>& account);

  // Store::ReplaceAll; returns the records as imported (deduplicated keys and
  // references, the sequences they got).
  StoreResult<std::vector<Record>> ReplaceAll(std::vector<Record> records);

 private:
  StoreResult<Record> FindExisting(std::string_view account, std::string_view kind, std::string_view id);
  // RecordTable::FindVersion, from the cache when no write of this
  // transaction (nor a rolled-back one since the last commit) changed
  // anything yet: a replace, every update's one write, skips a query.
  StoreResult<std::optional<StoredVersion>> FindVersion(std::string_view account, std::string_view kind,
                                                        std::string_view id);
  Status CheckKeysAvailable(const Record& record);
  Status CheckIdAvailable(const Record& record);
  Status CheckReferencesExist(const Record& record, const std::vector<std::string>& required);
  Status CheckParentExists(const Record& record, const std::string& parent_kind);
  Status CheckBelowLimit(const Record& record, std::optional<std::int64_t> max_count);
  Status CheckSiblings(const Record& record, const InsertRules& rules);
  Status CheckSubsetLimit(const Record& record, const std::optional<SubsetLimit>& limit);
  Status CheckNotReferenced(std::string_view account, std::string_view kind, std::string_view id);
  // kReferenced while a record of user_kind references record.
  Status CheckNotReferencedBy(std::string_view user_kind, const Record& record);
  Status CheckImportable(const Record& record);
  Status RenewDependents(const Record& replaced, const ReplaceRules& rules, std::vector<CacheChange>& changes);
  Status RemoveChildren(std::string_view account, std::string_view parent_id, const DeleteRules& rules,
                        std::vector<CacheChange>& changes);

  StatementCache& statements_;
  RecordTable& records_;
  const RecordCache& cache_;
};

}  // namespace cfl::store::detail
