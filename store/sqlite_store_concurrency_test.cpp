// Concurrent callers of one store: their writes share group-committed
// batches, and the rules (compare-and-swap, unique keys, limits) must hold
// within a batch exactly as across batches. With a file, in file mode each
// batch is one fsync; a reopened store must see every acknowledged write.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"
#include "store/store_test_support.h"

namespace cfl::store {

using namespace testing;

namespace {

constexpr int kWriters = 64;

// Starts count threads running body(index) as close to together as it can
// and waits for them.
template <typename Body>
void RunTogether(int count, Body body) {
  std::atomic<int> ready = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < count; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready < count) std::this_thread::yield();
      body(i);
    });
  }
  for (auto& thread : threads) thread.join();
}

// A store on a file or in memory, as the SUBCASE says.
struct EitherStore {
  TempDatabase database;
  std::unique_ptr<Store> store;
  std::string path;  // "" in memory

  explicit EitherStore(bool on_file) {
    if (on_file) path = database.path;
    store = Ok(OpenSqliteStore(on_file ? database.path : ":memory:"));
  }
};

}  // namespace

TEST_CASE("group commit race: concurrent replaces with the same etag: one winner, and it is stored") {
  for (const bool on_file : {true, false}) {
    INFO((on_file ? "file" : "in memory"));
    EitherStore either(on_file);
    Store& store = *either.store;
    const Record original = Inserted(store, MakeRecord("E1", {"caller:1", "alias:a"}));

    std::atomic<int> mismatches = 0;
    std::atomic<int> others = 0;
    std::mutex winner_mutex;
    std::vector<int> winners;
    RunTogether(kWriters, [&](int i) {
      Record next = original;
      next.etag = "W" + std::to_string(i);
      next.document = "writer " + std::to_string(i);
      next.unique_keys = {"caller:1", "alias:w" + std::to_string(i)};
      auto result = store.Replace(next, {.expected_etag = "E1"});
      if (std::holds_alternative<Record>(result)) {
        std::lock_guard lock(winner_mutex);
        winners.push_back(i);
      } else if (std::get<StoreError>(result).kind == StoreErrorKind::kVersionMismatch) {
        ++mismatches;
      } else {
        ++others;
      }
    });
    REQUIRE(winners.size() == 1);
    CHECK(mismatches == kWriters - 1);
    CHECK(others == 0);
    const std::string winner = std::to_string(winners[0]);
    const auto got = store.Get(kAccount, "distribution", "E1");
    CHECK(got->etag == "W" + winner);
    CHECK(got->document == "writer " + winner);
    CHECK(Exported(store, "distribution", "E1")->unique_keys ==
          std::vector<std::string>{"caller:1", "alias:w" + winner});
    CheckCacheMatchesDatabase(store, either.path);
  }
}

TEST_CASE("group commit race: concurrent inserts with the same caller key: exactly one wins") {
  for (const bool on_file : {true, false}) {
    INFO((on_file ? "file" : "in memory"));
    EitherStore either(on_file);
    Store& store = *either.store;
    std::atomic<int> successes = 0;
    std::atomic<int> conflicts = 0;
    RunTogether(kWriters, [&](int i) {
      auto result = store.Insert(MakeRecord("E" + std::to_string(i), {"caller:same"}));
      if (std::holds_alternative<Record>(result)) {
        ++successes;
      } else if (std::get<StoreError>(result).kind == StoreErrorKind::kAlreadyExists &&
                 std::get<StoreError>(result).conflicting_key == "caller:same") {
        ++conflicts;
      }
    });
    CHECK(successes == 1);
    CHECK(conflicts == kWriters - 1);
    CHECK(store.List(ListQuery{kAccount, "distribution", std::nullopt, "", 100}).total == 1);
    CheckCacheMatchesDatabase(store, either.path);
  }
}

TEST_CASE("group commit race: concurrent inserts against a limit: exactly the limit wins") {
  for (const bool on_file : {true, false}) {
    INFO((on_file ? "file" : "in memory"));
    EitherStore either(on_file);
    Store& store = *either.store;
    std::atomic<int> successes = 0;
    std::atomic<int> refused = 0;
    RunTogether(kWriters, [&](int i) {
      auto result = store.Insert(MakeRecord("E" + std::to_string(i)), {.max_count = 10});
      if (std::holds_alternative<Record>(result)) {
        ++successes;
      } else if (std::get<StoreError>(result).kind == StoreErrorKind::kLimitExceeded) {
        ++refused;
      }
    });
    CHECK(successes == 10);
    CHECK(refused == kWriters - 10);
    CHECK(Ok(store.CountByKind()).at(0).count == 10);
    CheckCacheMatchesDatabase(store, either.path);
  }
}

TEST_CASE("group commit race: concurrent inserts against a subset limit: exactly the limit of the subset wins") {
  for (const bool on_file : {true, false}) {
    INFO((on_file ? "file" : "in memory"));
    EitherStore either(on_file);
    Store& store = *either.store;
    const SubsetLimit odd_ids{"odd", 10, [](const Record& record) { return std::stoi(record.id.substr(1)) % 2 == 1; }};
    std::atomic<int> odd_stored = 0;
    std::atomic<int> even_stored = 0;
    RunTogether(kWriters, [&](int i) {
      auto result = store.Insert(MakeRecord("E" + std::to_string(i)), {.subset_limit = odd_ids});
      if (std::holds_alternative<Record>(result)) ++(i % 2 == 1 ? odd_stored : even_stored);
    });
    CHECK(odd_stored == 10);
    CHECK(even_stored == kWriters / 2);
    CHECK(Ok(store.CountByKind()).at(0).count == 10 + kWriters / 2);
    CheckCacheMatchesDatabase(store, either.path);
  }
}

TEST_CASE("group commit: concurrent writers and readers; a reopened file has every acknowledged write") {
  TempDatabase database;
  constexpr int kThreads = 8;
  constexpr int kRounds = 25;
  // What each id looks like after its last acknowledged write ("" etag: deleted).
  std::map<std::string, Record> acknowledged;
  std::mutex acknowledged_mutex;
  {
    auto opened = OpenSqliteStore(database.path);
    Store& store = *Ok(opened);
    std::atomic<bool> writing = true;
    std::thread reader([&] {
      while (writing) {
        (void)store.Get(kAccount, "distribution", "T0-0");
        (void)store.List(ListQuery{kAccount, "distribution", std::nullopt, "", 50, true});
        (void)store.CountUnsettledChildren(kAccount, "invalidation", "T1-0", 0);
      }
    });
    RunTogether(kThreads, [&](int t) {
      const auto remember = [&](const Record& record) {
        std::lock_guard lock(acknowledged_mutex);
        acknowledged[record.id] = record;
      };
      for (int round = 0; round < kRounds; ++round) {
        const std::string id = "T" + std::to_string(t) + "-" + std::to_string(round);
        Record record = Inserted(store, MakeRecord(id, {"caller:" + id}));
        remember(record);
        remember(Inserted(store, MakeChild("I" + id, "T" + std::to_string(t) + "-0", 5000)));
        Record next = record;
        next.etag = "v2";
        next.document = "round " + std::to_string(round);
        remember(Ok(store.Replace(next, {.expected_etag = record.etag})));
        remember(Ok(store.SetMetadata(kAccount, "distribution", id, "meta " + id)));
        if (round % 3 == 0) {
          Record deleted = Ok(store.Delete(kAccount, "distribution", id, {.expected_etag = "v2"}));
          deleted.etag.clear();
          remember(deleted);
          // Its children went with it (only this thread makes children of its records).
          std::lock_guard lock(acknowledged_mutex);
          for (auto& [child_id, child] : acknowledged) {
            if (child.parent == id) child.etag.clear();
          }
        }
      }
    });
    writing = false;
    reader.join();
    CheckCacheMatchesDatabase(store, database.path);
  }
  auto reopened = OpenSqliteStore(database.path);
  Store& store = *Ok(reopened);
  for (const auto& [id, expected] : acknowledged) {
    const auto got = store.Get(kAccount, expected.kind, id);
    if (expected.etag.empty()) {
      CHECK_FALSE(got);
      continue;
    }
    REQUIRE_MESSAGE(got, id << " is missing after reopening");
    CheckSameRow(*got, expected);
  }
  CheckCacheMatchesDatabase(store, database.path);
}

}  // namespace cfl::store
