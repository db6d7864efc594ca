// RunWriteBatch with the real mutation rules, several writes in one batch:
// deterministic, unlike batches formed by concurrent callers.
#include "store/write_batch.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "store/record_table.h"
#include "store/record_writes.h"
#include "store/schema.h"
#include "store/store_test_support.h"

namespace cfl::store::detail {
namespace {

using testing::kAccount;
using testing::MakeRecord;

struct BatchFixture {
  Connection connection;  // first: closed after the statements are finalised
  std::unique_ptr<StatementCache> statements;
  std::unique_ptr<RecordTable> table;
  std::unique_ptr<RecordWrites> writes;
  RecordCache cache;
  // One BatchedWrite per call of Add; reserved up front so references to
  // earlier ones stay valid.
  std::vector<BatchedWrite> batch;

  BatchFixture() {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
    connection = Connection(db);
    REQUIRE_FALSE(MigrateToCurrentSchema(db));
    statements = std::make_unique<StatementCache>(db);
    table = std::make_unique<RecordTable>(*statements);
    writes = std::make_unique<RecordWrites>(*statements, *table, cache);
    batch.reserve(128);
  }

  // A write whose mutation (given the writes and the cache changes to add
  // to) runs in the batch.
  template <typename Mutation>
  BatchedWrite& Add(Mutation mutation) {
    batch.push_back(BatchedWrite{[this, mutation]() -> StoreResult<std::vector<CacheChange>> {
                                   std::vector<CacheChange> changes;
                                   StoreResult<Record> result = mutation(*writes, changes);
                                   if (Failed(result)) return TakeError(result);
                                   return changes;
                                 },
                                 std::nullopt});
    return batch.back();
  }

  void Run() {
    std::vector<BatchedWrite*> pointers;
    for (auto& write : batch) pointers.push_back(&write);
    RunWriteBatch(*statements, cache, pointers);
    batch.clear();
  }

  // Inserts in a batch of its own.
  void Seed(Record record) {
    Add([record](RecordWrites& w, std::vector<CacheChange>& c) { return w.Insert({record}, c); });
    REQUIRE_FALSE(batch.back().outcome);
    Run();
  }

  std::optional<Record> Stored(const std::string& id, const std::string& kind = "distribution") {
    auto found = table->Find(kAccount, kind, id);
    REQUIRE_FALSE(Failed(found));
    return std::get<std::optional<Record>>(found);
  }

  std::int64_t Count(const std::string& kind = "distribution") {
    auto count = table->Count(kAccount, kind);
    REQUIRE_FALSE(Failed(count));
    return std::get<std::int64_t>(count);
  }
};

StoreErrorKind KindOf(const BatchedWrite& write) {
  REQUIRE(write.outcome);
  return write.outcome->kind;
}

}  // namespace

TEST_CASE("batch: replaces with the same expected etag in one batch: exactly the first wins") {
  BatchFixture fixture;
  fixture.Seed(MakeRecord("E1", {"caller:1"}));
  for (int i = 0; i < 64; ++i) {
    Record next = MakeRecord("E1", {"caller:1"});
    next.etag = "W" + std::to_string(i);
    next.document = "from writer " + std::to_string(i);
    fixture.Add([next](RecordWrites& w, std::vector<CacheChange>& c) {
      return w.Replace({next, {.expected_etag = "E1"}}, c);
    });
  }
  std::vector<BatchedWrite*> writes;
  for (auto& write : fixture.batch) writes.push_back(&write);
  RunWriteBatch(*fixture.statements, fixture.cache, writes);

  CHECK_FALSE(fixture.batch[0].outcome);
  for (std::size_t i = 1; i < fixture.batch.size(); ++i) {
    CHECK(KindOf(fixture.batch[i]) == StoreErrorKind::kVersionMismatch);
  }
  CHECK(fixture.Stored("E1")->etag == "W0");
  CHECK(fixture.Stored("E1")->document == "from writer 0");
  CHECK(fixture.cache.Find(kAccount, "distribution", "E1")->etag == "W0");
  CHECK(fixture.cache.Find(kAccount, "distribution", "E1")->document == "from writer 0");
}

TEST_CASE("batch: a chain of replaces in one batch, each expecting the one before, all win") {
  BatchFixture fixture;
  fixture.Seed(MakeRecord("E1"));
  for (int i = 0; i < 10; ++i) {
    Record next = MakeRecord("E1");
    next.etag = "V" + std::to_string(i + 1);
    const std::string expected = i == 0 ? "E1" : "V" + std::to_string(i);
    fixture.Add([next, expected](RecordWrites& w, std::vector<CacheChange>& c) {
      return w.Replace({next, {.expected_etag = expected}}, c);
    });
  }
  fixture.Run();
  CHECK(fixture.Stored("E1")->etag == "V10");
  CHECK(fixture.cache.Find(kAccount, "distribution", "E1")->etag == "V10");
}

TEST_CASE("batch: two inserts with the same unique key in one batch: exactly one wins") {
  BatchFixture fixture;
  auto& first = fixture.Add(
      [](RecordWrites& w, std::vector<CacheChange>& c) { return w.Insert({MakeRecord("E1", {"caller:same"})}, c); });
  auto& second = fixture.Add(
      [](RecordWrites& w, std::vector<CacheChange>& c) { return w.Insert({MakeRecord("E2", {"caller:same"})}, c); });
  auto& third = fixture.Add(
      [](RecordWrites& w, std::vector<CacheChange>& c) { return w.Insert({MakeRecord("E1", {"caller:other"})}, c); });
  std::vector<BatchedWrite*> writes = {&first, &second, &third};
  RunWriteBatch(*fixture.statements, fixture.cache, writes);
  CHECK_FALSE(first.outcome);
  REQUIRE(second.outcome);
  CHECK(second.outcome->kind == StoreErrorKind::kAlreadyExists);
  CHECK(second.outcome->conflicting_id == "E1");
  CHECK(second.outcome->conflicting_key == "caller:same");
  CHECK(KindOf(third) == StoreErrorKind::kAlreadyExists);  // the id
  CHECK(fixture.Count() == 1);
  CHECK(fixture.cache.Find(kAccount, "distribution", "E1"));
  CHECK_FALSE(fixture.cache.Find(kAccount, "distribution", "E2"));
  CHECK(fixture.Stored("E1")->unique_keys == std::vector<std::string>{"caller:same"});
}

TEST_CASE("batch: the limit counts the inserts before it in the same batch") {
  BatchFixture fixture;
  fixture.Seed(MakeRecord("E0"));
  for (int i = 1; i <= 6; ++i) {
    fixture.Add([i](RecordWrites& w, std::vector<CacheChange>& c) {
      return w.Insert({MakeRecord("E" + std::to_string(i)), {.max_count = 4}}, c);
    });
  }
  std::vector<BatchedWrite*> writes;
  for (auto& write : fixture.batch) writes.push_back(&write);
  RunWriteBatch(*fixture.statements, fixture.cache, writes);
  for (std::size_t i = 0; i < 3; ++i) CHECK_FALSE(fixture.batch[i].outcome);
  for (std::size_t i = 3; i < 6; ++i) {
    CHECK(KindOf(fixture.batch[i]) == StoreErrorKind::kLimitExceeded);
  }
  CHECK(fixture.Count() == 4);
  CHECK(fixture.cache.List(ListQuery{kAccount, "distribution", std::nullopt, "", 100}).total == 4);
}

TEST_CASE("batch: a failing write is undone alone; its batch-mates commit") {
  BatchFixture fixture;
  fixture.Seed(MakeRecord("E0", {"caller:0"}));
  fixture.Add([](RecordWrites& w, std::vector<CacheChange>& c) { return w.Insert({MakeRecord("E1")}, c); });
  // Writes a row, then fails: its savepoint must take the row back.
  fixture.Add([](RecordWrites& w, std::vector<CacheChange>& c) -> StoreResult<Record> {
    auto inserted = w.Insert({MakeRecord("E2", {"caller:2"})}, c);
    REQUIRE_FALSE(Failed(inserted));
    return StoreError{StoreErrorKind::kInvalidInput, {}, {}, "failed after writing"};
  });
  fixture.Add([](RecordWrites& w, std::vector<CacheChange>& c) {
    return w.Replace({MakeRecord("E0"), {.expected_etag = "stale"}}, c);
  });
  fixture.Add([](RecordWrites& w, std::vector<CacheChange>& c) { return w.Insert({MakeRecord("E3")}, c); });
  std::vector<BatchedWrite*> writes;
  for (auto& write : fixture.batch) writes.push_back(&write);
  RunWriteBatch(*fixture.statements, fixture.cache, writes);

  CHECK_FALSE(fixture.batch[0].outcome);
  CHECK(KindOf(fixture.batch[1]) == StoreErrorKind::kInvalidInput);
  CHECK(KindOf(fixture.batch[2]) == StoreErrorKind::kVersionMismatch);
  CHECK_FALSE(fixture.batch[3].outcome);
  CHECK(fixture.Stored("E1"));
  CHECK(fixture.Stored("E3"));
  CHECK_FALSE(fixture.Stored("E2"));
  CHECK(fixture.Stored("E0")->unique_keys == std::vector<std::string>{"caller:0"});
  CHECK(fixture.cache.Find(kAccount, "distribution", "E1"));
  CHECK(fixture.cache.Find(kAccount, "distribution", "E3"));
  CHECK_FALSE(fixture.cache.Find(kAccount, "distribution", "E2"));
  // The undone write's key is free.
  fixture.Seed(MakeRecord("E4", {"caller:2"}));
}

TEST_CASE("batch: a lone write that fails after writing leaves nothing behind") {
  BatchFixture fixture;
  fixture.Add([](RecordWrites& w, std::vector<CacheChange>& c) -> StoreResult<Record> {
    auto inserted = w.Insert({MakeRecord("E1", {"caller:1"})}, c);
    REQUIRE_FALSE(Failed(inserted));
    return StoreError{StoreErrorKind::kInvalidInput, {}, {}, "failed after writing"};
  });
  auto& lone = fixture.batch.back();
  std::vector<BatchedWrite*> writes = {&lone};
  RunWriteBatch(*fixture.statements, fixture.cache, writes);
  CHECK(KindOf(lone) == StoreErrorKind::kInvalidInput);
  CHECK_FALSE(fixture.Stored("E1"));
  CHECK_FALSE(fixture.cache.Find(kAccount, "distribution", "E1"));
  fixture.batch.clear();
  fixture.Seed(MakeRecord("E2", {"caller:1"}));  // the key is free, the connection usable
}

TEST_CASE("batch: a failed COMMIT fails every write and leaves the cache unchanged") {
  BatchFixture fixture;
  fixture.Seed(MakeRecord("E0"));
  fixture.Add([](RecordWrites& w, std::vector<CacheChange>& c) { return w.Insert({MakeRecord("E1")}, c); });
  fixture.Add([](RecordWrites& w, std::vector<CacheChange>& c) {
    return w.Replace({MakeRecord("E0"), {.expected_etag = "stale"}}, c);
  });
  Record next = MakeRecord("E0");
  next.etag = "E0v2";
  fixture.Add([next](RecordWrites& w, std::vector<CacheChange>& c) {
    return w.Replace({next, {.expected_etag = "E1"}}, c);
  });
  // A commit hook that refuses turns the COMMIT into a ROLLBACK.
  sqlite3_commit_hook(
      fixture.connection.get(), [](void*) { return 1; }, nullptr);
  std::vector<BatchedWrite*> writes;
  for (auto& write : fixture.batch) writes.push_back(&write);
  RunWriteBatch(*fixture.statements, fixture.cache, writes);
  for (const auto& write : fixture.batch) CHECK(KindOf(write) == StoreErrorKind::kIo);
  fixture.batch.clear();
  auto& lone =
      fixture.Add([](RecordWrites& w, std::vector<CacheChange>& c) { return w.Insert({MakeRecord("E2")}, c); });
  std::vector<BatchedWrite*> alone = {&lone};
  RunWriteBatch(*fixture.statements, fixture.cache, alone);
  CHECK(KindOf(lone) == StoreErrorKind::kIo);
  sqlite3_commit_hook(fixture.connection.get(), nullptr, nullptr);

  CHECK_FALSE(fixture.Stored("E1"));
  CHECK_FALSE(fixture.Stored("E2"));
  CHECK(fixture.Stored("E0")->etag == "E1");
  CHECK_FALSE(fixture.cache.Find(kAccount, "distribution", "E1"));
  CHECK_FALSE(fixture.cache.Find(kAccount, "distribution", "E2"));
  CHECK(fixture.cache.Find(kAccount, "distribution", "E0")->etag == "E1");
  // The connection is usable again.
  fixture.Seed(MakeRecord("E1"));
  CHECK(fixture.cache.Find(kAccount, "distribution", "E1"));
}

TEST_CASE("batch: a failed BEGIN fails every write and runs none") {
  BatchFixture fixture;
  REQUIRE_FALSE(fixture.statements->Execute("BEGIN"));  // BEGIN IMMEDIATE cannot nest
  bool ran = false;
  fixture.batch.push_back(BatchedWrite{[&]() -> StoreResult<std::vector<CacheChange>> {
                                         ran = true;
                                         return std::vector<CacheChange>{};
                                       },
                                       std::nullopt});
  std::vector<BatchedWrite*> writes = {&fixture.batch.back()};
  RunWriteBatch(*fixture.statements, fixture.cache, writes);
  CHECK(KindOf(fixture.batch.back()) == StoreErrorKind::kIo);
  CHECK_FALSE(ran);
  REQUIRE_FALSE(fixture.statements->Execute("ROLLBACK"));
}

}  // namespace cfl::store::detail

namespace cfl::store::detail {
namespace {

void CheckSameVersion(const std::optional<StoredVersion>& cached, const std::optional<StoredVersion>& row) {
  REQUIRE(cached);
  REQUIRE(row);
  CHECK(cached->record.etag == row->record.etag);
  CHECK(cached->record.parent == row->record.parent);
  CHECK(cached->record.created_ms == row->record.created_ms);
  CHECK(cached->record.sequence == row->record.sequence);
  CHECK(cached->links == row->links);
}

std::optional<StoredVersion> RowVersion(BatchFixture& fixture, const std::string& id) {
  auto found = fixture.table->FindVersion(kAccount, "distribution", id);
  REQUIRE_FALSE(Failed(found));
  return std::get<std::optional<StoredVersion>>(found);
}

}  // namespace

TEST_CASE("batch: the cache answers a stored version as the row has it, only while the database holds what it does") {
  BatchFixture fixture;
  sqlite3* db = fixture.statements->db();
  fixture.Seed(MakeRecord("E1", {"caller:1", "alias:a"}, {"origin-access-identity:O1"}));
  CHECK(fixture.cache.SourceChanges() == sqlite3_total_changes64(db));
  CheckSameVersion(fixture.cache.FindVersion(kAccount, "distribution", "E1"), RowVersion(fixture, "E1"));

  // A replace that changes keys, references, parent and version.
  Record next = MakeRecord("E1", {"caller:1", "alias:b"});
  next.etag = "E2";
  next.parent = "P1";
  fixture.Add([next](RecordWrites& w, std::vector<CacheChange>& c) { return w.Replace({next, {.expected_etag = "E1"}}, c); });
  fixture.Run();
  CHECK(fixture.cache.SourceChanges() == sqlite3_total_changes64(db));
  CheckSameVersion(fixture.cache.FindVersion(kAccount, "distribution", "E1"), RowVersion(fixture, "E1"));
  CHECK(fixture.cache.FindVersion(kAccount, "distribution", "E1")->record.etag == "E2");

  // Runs one write alone and says how it went.
  const auto run_alone = [&fixture](BatchedWrite& write) {
    std::vector<BatchedWrite*> alone{&write};
    RunWriteBatch(*fixture.statements, fixture.cache, alone);
    const auto outcome = write.outcome;
    fixture.batch.clear();
    return outcome;
  };
  // A refused write changes nothing: the cache still holds what the database does.
  const auto refused = run_alone(fixture.Add(
      [next](RecordWrites& w, std::vector<CacheChange>& c) { return w.Replace({next, {.expected_etag = "E1"}}, c); }));
  REQUIRE(refused);
  CHECK(refused->kind == StoreErrorKind::kVersionMismatch);
  CHECK(fixture.cache.SourceChanges() == sqlite3_total_changes64(db));

  // A change the cache did not see (here a row written behind its back):
  // the change count moves on, and the cache no longer answers for the rows.
  REQUIRE(sqlite3_exec(db, "UPDATE records SET etag = 'E9' WHERE id = 'E1'", nullptr, nullptr, nullptr) == SQLITE_OK);
  CHECK(fixture.cache.SourceChanges() != sqlite3_total_changes64(db));
  Record after = MakeRecord("E1", {"caller:1"});
  after.etag = "E3";
  // The cache says E2; the row says E9, and the row decides.
  const auto stale = run_alone(fixture.Add(
      [after](RecordWrites& w, std::vector<CacheChange>& c) { return w.Replace({after, {.expected_etag = "E2"}}, c); }));
  REQUIRE(stale);
  CHECK(stale->kind == StoreErrorKind::kVersionMismatch);
  CHECK(RowVersion(fixture, "E1")->record.etag == "E9");
}

TEST_CASE("batch: a record put without its links (loaded, settled, renewed) is not answered from the cache") {
  RecordCache cache;
  cache.Apply({PutRecord{MakeRecord("E1", {"caller:1"})}}, 7);
  CHECK(cache.SourceChanges() == 7);
  CHECK(cache.Find(kAccount, "distribution", "E1"));
  CHECK_FALSE(cache.FindVersion(kAccount, "distribution", "E1"));
  CHECK_FALSE(cache.FindVersion(kAccount, "distribution", "E2"));
  cache.Apply({PutRecord{MakeRecord("E1", {"caller:1"}), true}});
  CHECK(cache.SourceChanges() == -1);  // unknown: matches no connection's count
  REQUIRE(cache.FindVersion(kAccount, "distribution", "E1"));
  CHECK(cache.FindVersion(kAccount, "distribution", "E1")->links == LinksOf(MakeRecord("E1", {"caller:1"})));
}

}  // namespace cfl::store::detail
