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

#include "store/record_table.h"

namespace cfl::store::detail {

class RecordWrites {
 public:
  RecordWrites(StatementCache& statements, RecordTable& records)
      : statements_(statements), records_(records) {}

  // The Store methods of the same names (store.h); each returns the record as
  // stored, with its keys and references.
  StoreResult<Record> Insert(Record record, std::optional<std::int64_t> max_count);
  StoreResult<Record> Replace(Record next, std::string_view expected_etag);
  StoreResult<Record> SetMetadata(std::string_view account, std::string_view kind,
                                  std::string_view id, std::string metadata);
  StoreResult<Record> Delete(std::string_view account, std::string_view kind, std::string_view id,
                             std::string_view expected_etag,
                             const std::optional<std::string>& guard_reference);
  // Removes the records whose parent is parent_id (Delete's cascade); returns
  // which.
  StoreResult<std::vector<KindAndId>> RemoveChildren(std::string_view account, std::string_view parent_id);

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
  StoreResult<Record> FindExisting(std::string_view account, std::string_view kind,
                                   std::string_view id);
  Status CheckKeysAvailable(const Record& record);
  Status CheckIdAvailable(const Record& record);
  Status CheckBelowLimit(const Record& record, std::optional<std::int64_t> max_count);
  Status CheckImportable(const Record& record);

  StatementCache& statements_;
  RecordTable& records_;
};

}  // namespace cfl::store::detail
