// The Store on SQLite: the rules of RecordWrites, one transaction per mutation.
//
// One connection guarded by a mutex: simple, and SQLite on one connection
// serves far more reads per second than the emulator needs. Statements are
// prepared once and reused (StatementCache).
#include <algorithm>
#include <cstdio>
#include <mutex>

#include "store/record_pages.h"
#include "store/record_table.h"
#include "store/record_writes.h"
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

// Methods whose signature has no room for an error still must not hide one.
void ReportFailure(std::string_view operation, const StoreError& error) {
  std::fprintf(stderr, "cloudfront-local store: %.*s failed: %s\n",
               static_cast<int>(operation.size()), operation.data(), error.message.c_str());
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(detail::Connection connection)
      : connection_(std::move(connection)), statements_(connection_.get()), records_(statements_) {}

  StoreResult<Record> Insert(Record record, std::optional<std::int64_t> max_count) override {
    std::lock_guard lock(mutex_);
    return InTransaction<Record>(
        [&] { return writes_.Insert(std::move(record), max_count); });
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
        [&] { return writes_.Replace(std::move(next), expected_etag); });
  }

  StoreResult<Record> SetMetadata(std::string_view account, std::string_view kind,
                                  std::string_view id, std::string metadata) override {
    std::lock_guard lock(mutex_);
    return InTransaction<Record>(
        [&] { return writes_.SetMetadata(account, kind, id, std::move(metadata)); });
  }

  StoreResult<Record> Delete(std::string_view account, std::string_view kind, std::string_view id,
                             std::string_view expected_etag,
                             std::optional<std::string> guard_reference) override {
    std::lock_guard lock(mutex_);
    return InTransaction<Record>(
        [&] { return writes_.Delete(account, kind, id, expected_etag, guard_reference); });
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
    auto settled =
        InTransaction<std::vector<Record>>([&] { return writes_.Settle(now_ms, account, id); });
    if (Failed(settled)) {
      ReportFailure("SettleAll", std::get<StoreError>(settled));
      return 0;
    }
    return static_cast<std::int64_t>(std::get<std::vector<Record>>(settled).size());
  }

  void Reset(std::optional<std::string> account) override {
    std::lock_guard lock(mutex_);
    auto reset = InTransaction<bool>([&]() -> StoreResult<bool> {
      if (auto error = writes_.RemoveAll(account)) return *error;
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
    auto imported =
        InTransaction<std::vector<Record>>([&] { return writes_.ReplaceAll(std::move(records)); });
    if (Failed(imported)) return TakeError(imported);
    return static_cast<std::int64_t>(std::get<std::vector<Record>>(imported).size());
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

  std::vector<Record> CollectOrReport(std::string_view operation, detail::Query& query) {
    auto records = records_.Collect(query);
    if (Failed(records)) {
      ReportFailure(operation, std::get<StoreError>(records));
      return {};
    }
    return std::move(std::get<std::vector<Record>>(records));
  }

  std::mutex mutex_;
  detail::Connection connection_;
  detail::StatementCache statements_;  // declared after connection_: finalised before it closes
  RecordTable records_;
  detail::RecordWrites writes_{statements_, records_};
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
