// The Store on SQLite: the rules of RecordWrites, run in group-committed
// batches, and every current record in memory (RecordCache) for the reads.
//
// Get, List and CountUnsettledChildren read the cache only: no SQLite, and no
// waiting for a writer's commit. Writes queue in GroupCommit: one transaction
// and one COMMIT (one fsync with a file) per batch of concurrent writes, each
// write in its own savepoint (RunWriteBatch); a write returns once the COMMIT
// holding it succeeded. Writes, FindReferencing, All and CountByKind use the
// one connection under a mutex. Statements are prepared once and reused
// (StatementCache).
#include <cstdio>
#include <mutex>
#include <span>

#include "store/file_lock.h"
#include "store/group_commit.h"
#include "store/record_cache.h"
#include "store/record_table.h"
#include "store/record_writes.h"
#include "store/schema.h"
#include "store/sqlite_statement.h"
#include "store/store.h"
#include "store/write_batch.h"

namespace cfl::store {
namespace {

using detail::CacheChange;
using detail::Failed;
using detail::RecordTable;
using detail::Status;
using detail::TakeError;

// Writes per transaction at most: bounds how long one batch holds the
// connection and how much one failed COMMIT takes down with it.
constexpr std::size_t kMaxBatch = 64;

// A database without a file is never synced: there is no flush for
// concurrent writes to share, so each runs alone (GroupCommit).
std::size_t MaxBatch(bool in_memory) { return in_memory ? 1 : kMaxBatch; }

class SqliteStore final : public Store {
 public:
  SqliteStore(detail::ExclusiveFileLock file_lock, detail::Connection connection, bool in_memory)
      : in_memory_(in_memory),
        file_lock_(std::move(file_lock)),
        connection_(std::move(connection)),
        statements_(connection_.get()),
        records_(statements_) {}

  // Fills the cache with every record of the database.
  Status LoadCache() {
    std::lock_guard lock(connection_mutex_);
    auto query = statements_.Prepare("SELECT " + std::string(detail::kRecordColumns) +
                                     " FROM records");
    auto rows = records_.CollectRows(query);
    if (Failed(rows)) return TakeError(rows);
    std::vector<CacheChange> changes;
    for (auto& record : std::get<std::vector<Record>>(rows)) {
      changes.push_back(detail::PutRecord{std::move(record)});
    }
    cache_.Apply(std::move(changes));  // loaded rows come without their links: the cache never answers for them
    return std::nullopt;
  }

  StoreResult<std::vector<Record>> Transact(std::vector<WriteStep> steps) override {
    return Write<std::vector<Record>>([&](std::vector<CacheChange>& changes) -> StoreResult<std::vector<Record>> {
      std::vector<Record> results;
      results.reserve(steps.size());
      for (std::size_t index = 0; index < steps.size(); ++index) {
        auto done = std::visit([&](auto& step) { return Apply(std::move(step), changes); }, steps[index]);
        if (Failed(done)) {
          StoreError error = TakeError(done);
          error.step = index;
          return error;
        }
        results.push_back(std::move(std::get<Record>(done)));
      }
      return results;
    });
  }

  std::optional<Record> Get(std::string_view account, std::string_view kind,
                            std::string_view id) override {
    auto found = cache_.Find(account, kind, id);
    if (!found) return std::nullopt;
    return *found;
  }

  ListPage List(const ListQuery& query) override { return cache_.List(query); }

  StoreResult<std::vector<Record>> FindReferencing(std::string_view account,
                                                   std::string_view reference) override {
    std::lock_guard lock(connection_mutex_);
    auto query = statements_.Prepare(
        "SELECT " + std::string(detail::kRecordColumns) +
        " FROM records WHERE (account, kind, id) IN "
        "(SELECT account, kind, id FROM references_ WHERE account = ?1 AND reference = ?2) "
        "ORDER BY kind, sequence");
    query.Bind(account).Bind(reference);
    return records_.Collect(query);
  }

  std::int64_t CountUnsettledChildren(std::string_view account, std::string_view kind,
                                      std::string_view parent, TimeMs now_ms) override {
    return cache_.CountUnsettledChildren(account, kind, parent, now_ms);
  }

  StoreResult<std::int64_t> SettleAll(TimeMs now_ms, std::optional<std::string> account,
                                      std::optional<std::string> id) override {
    return Write<std::int64_t>([&](std::vector<CacheChange>& changes) -> StoreResult<std::int64_t> {
      auto rows = writes_.Settle(now_ms, account, id);
      if (Failed(rows)) return TakeError(rows);
      auto& records = std::get<std::vector<Record>>(rows);
      for (auto& record : records) changes.push_back(detail::PutRecord{std::move(record)});
      return static_cast<std::int64_t>(records.size());
    });
  }

  StoreResult<Done> Reset(std::optional<std::string> account) override {
    return Write<Done>([&](std::vector<CacheChange>& changes) -> StoreResult<Done> {
      if (auto error = writes_.RemoveAll(account)) return *error;
      changes.push_back(detail::ClearRecords{account});
      return Done{};
    });
  }

  StoreResult<std::vector<Record>> All() override {
    std::lock_guard lock(connection_mutex_);
    auto query = statements_.Prepare("SELECT " + std::string(detail::kRecordColumns) +
                                     " FROM records ORDER BY account, kind, sequence");
    return records_.Collect(query);
  }

  std::vector<std::shared_ptr<const Record>> Current() override { return cache_.All(); }

  StoreResult<std::int64_t> ReplaceAll(std::vector<Record> records) override {
    return Write<std::int64_t>([&](std::vector<CacheChange>& changes)
                                   -> StoreResult<std::int64_t> {
      auto imported = writes_.ReplaceAll(std::move(records));
      if (Failed(imported)) return TakeError(imported);
      auto& written = std::get<std::vector<Record>>(imported);
      changes.push_back(detail::ClearRecords{std::nullopt});
      for (auto& record : written) changes.push_back(detail::PutRecord{std::move(record)});
      return static_cast<std::int64_t>(written.size());
    });
  }

  std::uint64_t Generation() override { return cache_.Generation(); }

  StoreResult<std::vector<Counts>> CountByKind() override {
    std::lock_guard lock(connection_mutex_);
    std::vector<Counts> counts;
    auto query = statements_.Prepare(
        "SELECT account, kind, n FROM record_counts WHERE n > 0 ORDER BY account, kind");
    auto error = query.ForEachRow([&]() -> Status {
      counts.push_back(Counts{query.Text(0), query.Text(1), query.Int(2)});
      return std::nullopt;
    });
    if (error) return *error;
    return counts;
  }

 private:
  // Runs body (RecordWrites calls; it adds the cache changes of its success)
  // in the next write batch and returns its result once that has committed.
  template <typename T, typename Body>
  StoreResult<T> Write(Body body) {
    std::optional<T> result;
    detail::BatchedWrite write;
    write.apply = [&]() -> StoreResult<std::vector<CacheChange>> {
      std::vector<CacheChange> changes;
      StoreResult<T> applied = body(changes);
      if (Failed(applied)) return TakeError(applied);
      result = std::move(std::get<T>(applied));
      return changes;
    };
    group_commit_.Submit(write);
    if (write.outcome) return *write.outcome;
    return std::move(*result);
  }

  StoreResult<Record> Apply(InsertStep step, std::vector<CacheChange>& changes) {
    return writes_.Insert(std::move(step), changes);
  }
  StoreResult<Record> Apply(ReplaceStep step, std::vector<CacheChange>& changes) {
    return writes_.Replace(std::move(step), changes);
  }
  StoreResult<Record> Apply(DeleteStep step, std::vector<CacheChange>& changes) {
    return writes_.Delete(step, changes);
  }
  StoreResult<Record> Apply(SetMetadataStep step, std::vector<CacheChange>& changes) {
    return writes_.SetMetadata(std::move(step), changes);
  }
  StoreResult<Record> Apply(ExpectStep step, std::vector<CacheChange>&) { return writes_.Expect(step); }

  // Every use of the connection (writes, and the reads the cache does not
  // serve) holds connection_mutex_. The cache has its own lock, taken after
  // this one, never before. A batch applies its cache changes before it lets
  // go of the connection, so All and FindReferencing never see a commit that
  // Get does not.
  std::mutex connection_mutex_;
  const bool in_memory_;  // no file: never synced
  detail::ExclusiveFileLock file_lock_;  // declared before connection_: released after it closes
  detail::Connection connection_;
  detail::StatementCache statements_;  // declared after connection_: finalised before it closes
  RecordTable records_;
  detail::RecordCache cache_;  // declared before writes_, which reads it
  detail::RecordWrites writes_{statements_, records_, cache_};
  detail::GroupCommit group_commit_{
      [this](std::span<detail::BatchedWrite* const> batch) {
        std::lock_guard lock(connection_mutex_);
        if (auto lost = FileLost()) {
          for (auto* write : batch) write->outcome = *lost;
          return;
        }
        detail::RunWriteBatch(statements_, cache_, batch);
      },
      MaxBatch(in_memory_)};

  // REQUIRES: connection_mutex_ held. Once the database file is gone (or
  // another file took its path), every write fails: what it would store
  // could not be found at the next start. Said once on stderr.
  Status FileLost() {
    if (!file_lost_) {
      file_lost_ = file_lock_.CheckStillAtPath();
      if (file_lost_) std::fprintf(stderr, "cloudfront-local store: %s\n", file_lost_->message.c_str());
    }
    return file_lost_;
  }
  Status file_lost_;  // guarded by connection_mutex_
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

// SQLite's process-wide settings, before its first use in the process (later
// calls are refused by SQLite and change nothing). Memory statistics off:
// with them, every allocation SQLite makes takes one process-wide mutex, even
// on a connection opened without mutexes; this one's allocations, a dozen per
// write, run inside the store's write lock.
void ConfigureSqliteOnce() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

StoreResult<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  ConfigureSqliteOnce();
  const bool in_memory = path.empty() || path == ":memory:";
  detail::ExclusiveFileLock file_lock;  // declared before the connection: released after it closes
  if (!in_memory) {
    auto locked = detail::ExclusiveFileLock::Acquire(path);
    if (Failed(locked)) return TakeError(locked);
    file_lock = std::move(std::get<detail::ExclusiveFileLock>(locked));
  }
  sqlite3* db = nullptr;
  // NOMUTEX: SqliteStore serialises every use of the connection itself.
  // Without a path, SQLite's private temporary database (filename ""): a file
  // in the temp directory, unlinked as it is opened, never synced. Its pages
  // live in the OS page cache instead of this process (":memory:" would hold
  // every record twice in the process: in SQLite's pages and in the cache).
  const int rc = sqlite3_open_v2(in_memory ? "" : path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  detail::Connection connection(db);  // closed on every failure below
  if (rc != SQLITE_OK) return detail::SqliteError(db, "opening " + path);
  const std::string where = in_memory ? std::string("temporary database") : path;
  if (auto error = Configure(db, in_memory)) {
    error->message = where + ": " + error->message;
    return *error;
  }
  if (auto error = detail::MigrateToCurrentSchema(db)) {
    error->message = where + ": " + error->message;
    return *error;
  }
  auto store = std::make_unique<SqliteStore>(std::move(file_lock), std::move(connection), in_memory);
  if (auto error = store->LoadCache()) {
    error->message = where + ": loading the records: " + error->message;
    return *error;
  }
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace cfl::store
