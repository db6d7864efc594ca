// The Store on SQLite: business rules (compare-and-swap, uniqueness, limits,
// reference guards) over RecordTable, one transaction per mutation.
//
// One connection guarded by a mutex: simple, and SQLite on one connection
// serves far more reads per second than the emulator needs. Statements are
// prepared once and reused (StatementCache).
#include <algorithm>
#include <cstdio>
#include <mutex>

#include "store/record_pages.h"
#include "store/record_table.h"
#include "store/schema.h"
#include "store/sqlite_statement.h"
#include "store/sqlite_transaction.h"
#include "store/store.h"

namespace cfl::store {
namespace {

using detail::Failed;
using detail::RecordTable;
using detail::Status;
using detail::TakeError;
using detail::WithoutDuplicates;

StoreError Error(StoreErrorKind kind, std::string message) {
  return StoreError{kind, {}, {}, std::move(message)};
}

std::string Describe(std::string_view account, std::string_view kind, std::string_view id) {
  std::string text;
  text.append(kind).append(" ").append(id).append(" of account ").append(account);
  return text;
}

StoreError NotFound(std::string_view account, std::string_view kind, std::string_view id) {
  return Error(StoreErrorKind::kNotFound, Describe(account, kind, id) + " does not exist");
}

StoreError VersionMismatch(const Record& current, std::string_view expected_etag) {
  return Error(StoreErrorKind::kVersionMismatch,
               Describe(current.account, current.kind, current.id) + " is at version " +
                   current.etag + ", not " + std::string(expected_etag));
}

// Methods whose signature has no room for an error still must not hide one.
void ReportFailure(std::string_view operation, const StoreError& error) {
  std::fprintf(stderr, "cloudfront-local store: %.*s failed: %s\n",
               static_cast<int>(operation.size()), operation.data(), error.message.c_str());
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

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(detail::Connection connection)
      : connection_(std::move(connection)), statements_(connection_.get()), records_(statements_) {}

  StoreResult<Record> Insert(Record record, std::optional<std::int64_t> max_count) override {
    std::lock_guard lock(mutex_);
    return InTransaction<Record>(
        [&] { return InsertRecord(Normalized(std::move(record)), max_count); });
  }

  std::optional<Record> Get(std::string_view account, std::string_view kind,
                            std::string_view id) override {
    std::lock_guard lock(mutex_);
    auto found = records_.FindRow(account, kind, id);
    if (Failed(found)) {
      ReportFailure("Get", std::get<StoreError>(found));
      return std::nullopt;
    }
    return std::move(std::get<std::optional<Record>>(found));
  }

  StoreResult<Record> Replace(Record next, std::string_view expected_etag) override {
    std::lock_guard lock(mutex_);
    return InTransaction<Record>(
        [&] { return ReplaceRecord(Normalized(std::move(next)), expected_etag); });
  }

  StoreResult<Record> SetMetadata(std::string_view account, std::string_view kind,
                                  std::string_view id, std::string metadata) override {
    std::lock_guard lock(mutex_);
    return InTransaction<Record>([&]() -> StoreResult<Record> {
      auto stored = FindExisting(account, kind, id);
      if (Failed(stored)) return stored;
      if (auto error = records_.UpdateMetadata(account, kind, id, metadata)) return *error;
      auto& record = std::get<Record>(stored);
      record.metadata = std::move(metadata);
      return stored;
    });
  }

  StoreResult<Record> Delete(std::string_view account, std::string_view kind, std::string_view id,
                             std::string_view expected_etag,
                             std::optional<std::string> guard_reference) override {
    std::lock_guard lock(mutex_);
    return InTransaction<Record>(
        [&] { return DeleteRecord(account, kind, id, expected_etag, guard_reference); });
  }

  ListPage List(const ListQuery& query) override {
    std::lock_guard lock(mutex_);
    auto page = detail::ReadPage(statements_, records_, query);
    if (Failed(page)) {
      ReportFailure("List", std::get<StoreError>(page));
      return {};
    }
    return std::move(std::get<ListPage>(page));
  }

  std::vector<Record> FindReferencing(std::string_view account,
                                      std::string_view reference) override {
    std::lock_guard lock(mutex_);
    auto query = statements_.Prepare(
        "SELECT " + std::string(detail::kRecordColumns) +
        " FROM records WHERE (account, kind, id) IN "
        "(SELECT account, kind, id FROM references_ WHERE account = ?1 AND reference = ?2) "
        "ORDER BY kind, sequence");
    query.Bind(account).Bind(reference);
    return CollectOrReport("FindReferencing", query);
  }

  std::int64_t CountUnsettledChildren(std::string_view account, std::string_view kind,
                                      std::string_view parent, TimeMs now_ms) override {
    std::lock_guard lock(mutex_);
    auto query = statements_.Prepare(
        "SELECT count(*) FROM records "
        "WHERE account = ?1 AND kind = ?2 AND parent = ?3 AND settles_at_ms > ?4");
    query.Bind(account).Bind(kind).Bind(parent).Bind(now_ms);
    auto step = query.Step();
    if (Failed(step)) {
      ReportFailure("CountUnsettledChildren", std::get<StoreError>(step));
      return 0;
    }
    return query.Int(0);
  }

  std::int64_t SettleAll(TimeMs now_ms, std::optional<std::string> account,
                         std::optional<std::string> id) override {
    std::lock_guard lock(mutex_);
    auto settled = InTransaction<std::int64_t>([&] { return SettleRecords(now_ms, account, id); });
    if (Failed(settled)) {
      ReportFailure("SettleAll", std::get<StoreError>(settled));
      return 0;
    }
    return std::get<std::int64_t>(settled);
  }

  void Reset(std::optional<std::string> account) override {
    std::lock_guard lock(mutex_);
    auto reset = InTransaction<bool>([&]() -> StoreResult<bool> {
      if (auto error = records_.RemoveAll(account)) return *error;
      return true;
    });
    if (Failed(reset)) ReportFailure("Reset", std::get<StoreError>(reset));
  }

  std::vector<Record> All() override {
    std::lock_guard lock(mutex_);
    auto query = statements_.Prepare("SELECT " + std::string(detail::kRecordColumns) +
                                     " FROM records ORDER BY account, kind, sequence");
    return CollectOrReport("All", query);
  }

  StoreResult<std::int64_t> ReplaceAll(std::vector<Record> records) override {
    std::lock_guard lock(mutex_);
    return InTransaction<std::int64_t>([&] { return ReplaceAllRecords(std::move(records)); });
  }

  std::vector<Counts> CountByKind() override {
    std::lock_guard lock(mutex_);
    std::vector<Counts> counts;
    auto query = statements_.Prepare(
        "SELECT account, kind, count(*) FROM records "
        "GROUP BY account, kind ORDER BY account, kind");
    auto error = query.ForEachRow([&]() -> Status {
      counts.push_back(Counts{query.Text(0), query.Text(1), query.Int(2)});
      return std::nullopt;
    });
    if (error) {
      ReportFailure("CountByKind", *error);
      return {};
    }
    return counts;
  }

 private:
  // Runs body in a write transaction; commits when it succeeds, rolls back
  // (Transaction's destructor) when it or the commit fails.
  template <typename T, typename Body>
  StoreResult<T> InTransaction(Body body) {
    auto transaction = detail::Transaction::Begin(statements_);
    if (Failed(transaction)) return TakeError(transaction);
    StoreResult<T> result = body();
    if (Failed(result)) return result;
    if (auto error = std::get<detail::Transaction>(transaction).Commit()) return *error;
    return result;
  }

  StoreResult<Record> FindExisting(std::string_view account, std::string_view kind,
                                   std::string_view id) {
    auto found = records_.Find(account, kind, id);
    if (Failed(found)) return TakeError(found);
    auto& record = std::get<std::optional<Record>>(found);
    if (!record) return NotFound(account, kind, id);
    return std::move(*record);
  }

  // kAlreadyExists when a key of record belongs to another record of its kind.
  Status CheckKeysAvailable(const Record& record) {
    for (const auto& key : record.unique_keys) {
      auto owner = records_.FindKeyOwner(record.account, record.kind, key);
      if (Failed(owner)) return TakeError(owner);
      const auto& owner_id = std::get<std::optional<std::string>>(owner);
      if (owner_id && *owner_id != record.id) {
        return StoreError{StoreErrorKind::kAlreadyExists, *owner_id, key,
                          "unique key " + key + " belongs to " +
                              Describe(record.account, record.kind, *owner_id)};
      }
    }
    return std::nullopt;
  }

  Status CheckIdAvailable(const Record& record) {
    auto sequence = records_.FindSequence(record.account, record.kind, record.id);
    if (Failed(sequence)) return TakeError(sequence);
    if (std::get<std::optional<std::int64_t>>(sequence)) {
      return StoreError{StoreErrorKind::kAlreadyExists, record.id, "id",
                        Describe(record.account, record.kind, record.id) + " already exists"};
    }
    return std::nullopt;
  }

  Status CheckBelowLimit(const Record& record, std::optional<std::int64_t> max_count) {
    if (!max_count) return std::nullopt;
    auto count = records_.Count(record.account, record.kind);
    if (Failed(count)) return TakeError(count);
    if (std::get<std::int64_t>(count) >= *max_count) {
      return Error(StoreErrorKind::kLimitExceeded,
                   "account " + record.account + " already holds " +
                       std::to_string(std::get<std::int64_t>(count)) + " " + record.kind +
                       " records (limit " + std::to_string(*max_count) + ")");
    }
    return std::nullopt;
  }

  StoreResult<Record> InsertRecord(Record record, std::optional<std::int64_t> max_count) {
    if (auto error = RequireIdentity(record)) return *error;
    if (auto error = CheckKeysAvailable(record)) return *error;
    if (auto error = CheckIdAvailable(record)) return *error;
    if (auto error = CheckBelowLimit(record, max_count)) return *error;
    auto sequence = records_.NextSequence();
    if (Failed(sequence)) return TakeError(sequence);
    record.sequence = std::get<std::int64_t>(sequence);
    if (auto error = records_.Insert(record)) return *error;
    return record;
  }

  StoreResult<Record> ReplaceRecord(Record next, std::string_view expected_etag) {
    // Only etag, created_ms and sequence of the stored record matter here.
    auto stored = records_.FindRow(next.account, next.kind, next.id);
    if (Failed(stored)) return TakeError(stored);
    const auto& found = std::get<std::optional<Record>>(stored);
    if (!found) return NotFound(next.account, next.kind, next.id);
    const Record& current = *found;
    if (current.etag != expected_etag) return VersionMismatch(current, expected_etag);
    if (auto error = CheckKeysAvailable(next)) return *error;
    next.created_ms = current.created_ms;
    next.sequence = current.sequence;
    if (auto error = records_.Update(next)) return *error;
    return next;
  }

  StoreResult<Record> DeleteRecord(std::string_view account, std::string_view kind,
                                   std::string_view id, std::string_view expected_etag,
                                   const std::optional<std::string>& guard_reference) {
    auto stored = FindExisting(account, kind, id);
    if (Failed(stored)) return stored;
    const auto& current = std::get<Record>(stored);
    if (current.etag != expected_etag) return VersionMismatch(current, expected_etag);
    if (guard_reference) {
      // A record listing itself does not keep itself alive.
      auto referencer = records_.FindReferencer(account, *guard_reference, kind, id);
      if (Failed(referencer)) return TakeError(referencer);
      if (const auto& referencer_id = std::get<std::optional<std::string>>(referencer)) {
        return StoreError{StoreErrorKind::kReferenced, *referencer_id, {},
                          Describe(account, kind, id) + " is still referenced by " +
                              *referencer_id + " (" + *guard_reference + ")"};
      }
    }
    if (auto error = records_.Remove(account, kind, id)) return *error;
    return stored;
  }

  std::vector<Record> CollectOrReport(std::string_view operation, detail::Query& query) {
    auto records = records_.Collect(query);
    if (Failed(records)) {
      ReportFailure(operation, std::get<StoreError>(records));
      return {};
    }
    return std::move(std::get<std::vector<Record>>(records));
  }

  StoreResult<std::int64_t> SettleRecords(TimeMs now_ms, const std::optional<std::string>& account,
                                          const std::optional<std::string>& id) {
    std::string sql = "UPDATE records SET settles_at_ms = ? WHERE settles_at_ms > ?";
    if (account) sql += " AND account = ?";
    if (id) sql += " AND id = ?";
    auto update = statements_.Prepare(sql);
    update.Bind(now_ms).Bind(now_ms);
    if (account) update.Bind(*account);
    if (id) update.Bind(*id);
    if (auto error = update.Run()) return *error;
    return update.Changes();
  }

  // Conflicts in a snapshot are the snapshot's fault: kInvalidInput.
  Status CheckImportable(const Record& record) {
    if (auto error = RequireIdentity(record)) return error;
    Status conflict = CheckIdAvailable(record);
    if (!conflict) conflict = CheckKeysAvailable(record);
    if (!conflict) {
      auto holder = records_.FindIdAtSequence(record.account, record.kind, record.sequence);
      if (Failed(holder)) return TakeError(holder);
      if (const auto& holder_id = std::get<std::optional<std::string>>(holder)) {
        conflict = Error(StoreErrorKind::kAlreadyExists,
                         "sequence " + std::to_string(record.sequence) + " is also used by " +
                             *holder_id);
      }
    }
    if (!conflict || conflict->kind != StoreErrorKind::kAlreadyExists) return conflict;
    return Error(StoreErrorKind::kInvalidInput,
                 "cannot import " + Describe(record.account, record.kind, record.id) + ": " +
                     conflict->message);
  }

  // Records without a sequence (<= 0) get fresh ones after the largest given,
  // in the order they come.
  StoreResult<std::int64_t> ReplaceAllRecords(std::vector<Record> records) {
    if (auto error = records_.RemoveAll(std::nullopt)) return *error;
    std::int64_t last_sequence = 0;
    for (const auto& record : records) last_sequence = std::max(last_sequence, record.sequence);
    for (auto& given : records) {
      Record record = Normalized(std::move(given));
      if (record.sequence <= 0) record.sequence = ++last_sequence;
      if (auto error = CheckImportable(record)) return *error;
      if (auto error = records_.Insert(record)) return *error;
    }
    if (auto error = records_.SetLastSequence(last_sequence)) return *error;
    return static_cast<std::int64_t>(records.size());
  }

  std::mutex mutex_;
  detail::Connection connection_;
  detail::StatementCache statements_;  // declared after connection_: finalised before it closes
  RecordTable records_;
};

Status Configure(sqlite3* db, bool in_memory) {
  // Waits for another process holding the write lock instead of failing at once.
  if (sqlite3_busy_timeout(db, 5000) != SQLITE_OK) {
    return detail::SqliteError(db, "setting the busy timeout");
  }
  if (in_memory) return std::nullopt;
  // WAL: readers do not block the writer. synchronous=FULL: an acknowledged
  // write survives a power loss, not only a crash of the process.
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"}) {
    if (sqlite3_exec(db, pragma, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return detail::SqliteError(db, pragma);
    }
  }
  return std::nullopt;
}

}  // namespace

StoreResult<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  const bool in_memory = path.empty() || path == ":memory:";
  sqlite3* db = nullptr;
  // NOMUTEX: SqliteStore serialises every use of the connection itself.
  const int rc = sqlite3_open_v2(in_memory ? ":memory:" : path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  detail::Connection connection(db);  // closed on every failure below
  if (rc != SQLITE_OK) return detail::SqliteError(db, "opening " + path);
  const std::string where = in_memory ? std::string("in-memory database") : path;
  if (auto error = Configure(db, in_memory)) {
    error->message = where + ": " + error->message;
    return *error;
  }
  if (auto error = detail::MigrateToCurrentSchema(db)) {
    error->message = where + ": " + error->message;
    return *error;
  }
  return std::unique_ptr<Store>(std::make_unique<SqliteStore>(std::move(connection)));
}

}  // namespace cfl::store
