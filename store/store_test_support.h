// For store unit tests: records to insert, result unwrapping, temporary
// database files, and a check that the cache serves what the database holds.
#pragma once

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <map>
#include <set>
#include <utility>

#include "store/store.h"

namespace cfl::store::testing {

constexpr const char* kAccount = "123456789012";
constexpr const char* kOtherAccount = "210987654321";

inline std::unique_ptr<Store> OpenInMemory() {
  auto opened = OpenSqliteStore(":memory:");
  REQUIRE(std::holds_alternative<std::unique_ptr<Store>>(opened));
  return std::move(std::get<std::unique_ptr<Store>>(opened));
}

inline Record MakeRecord(std::string id, std::vector<std::string> unique_keys = {},
                  std::vector<std::string> references = {}, std::string kind = "distribution",
                  std::string account = kAccount) {
  Record record;
  record.account = std::move(account);
  record.kind = std::move(kind);
  record.id = std::move(id);
  record.etag = "E1";
  record.document = R"({"Comment":"x"})";
  record.metadata = R"({"Tags":[]})";
  record.unique_keys = std::move(unique_keys);
  record.references = std::move(references);
  record.created_ms = 1000;
  record.modified_ms = 1000;
  return record;
}

inline Record MakeChild(std::string id, std::string parent, TimeMs settles_at_ms,
                        std::string account = kAccount) {
  Record record = MakeRecord(std::move(id), {}, {}, "invalidation", std::move(account));
  record.parent = std::move(parent);
  record.settles_at_ms = settles_at_ms;
  return record;
}

template <typename T>
const T& Ok(const StoreResult<T>& result) {
  if (const auto* error = std::get_if<StoreError>(&result)) FAIL("store error: " << error->message);
  return std::get<T>(result);
}

// By value (and Ok on a temporary too): tests often pass a call's result.
template <typename T>
T Ok(StoreResult<T>&& result) {
  if (const auto* error = std::get_if<StoreError>(&result)) FAIL("store error: " << error->message);
  return std::move(std::get<T>(result));
}

template <typename T>
StoreError Err(const StoreResult<T>& result) {
  REQUIRE(std::holds_alternative<StoreError>(result));
  return std::get<StoreError>(result);
}

inline Record Inserted(Store& store, Record record, std::optional<std::int64_t> max_count = std::nullopt) {
  return Ok(store.Insert(std::move(record), {.max_count = max_count}));
}

// Removes the database and its WAL side files.
struct TempDatabase {
  std::string path;
  TempDatabase() {
    static std::atomic<int> counter = 0;
    path = (std::filesystem::temp_directory_path() /
            ("cfl_store_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) +
             ".db"))
               .string();
    Remove();
  }
  ~TempDatabase() { Remove(); }
  void Remove() const {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(path + suffix);
    }
  }
};

// The record as All() exports it: with unique_keys and references, which Get
// and List leave out.
inline std::optional<Record> Exported(Store& store, std::string_view kind, std::string_view id,
                                      std::string_view account = kAccount) {
  for (auto& record : Ok(store.All())) {
    if (record.account == account && record.kind == kind && record.id == id) return record;
  }
  return std::nullopt;
}

inline std::vector<std::string> Ids(const std::vector<Record>& records) {
  std::vector<std::string> ids;
  for (const auto& record : records) ids.push_back(record.id);
  return ids;
}

// Every field but unique_keys and references (Get and List leave those out).
inline void CheckSameRow(const Record& served, const Record& stored) {
  INFO("record " << stored.kind << " " << stored.id << " of " << stored.account);
  CHECK(served.account == stored.account);
  CHECK(served.kind == stored.kind);
  CHECK(served.id == stored.id);
  CHECK(served.parent == stored.parent);
  CHECK(served.etag == stored.etag);
  CHECK(served.document == stored.document);
  CHECK(served.metadata == stored.metadata);
  CHECK(served.created_ms == stored.created_ms);
  CHECK(served.modified_ms == stored.modified_ms);
  CHECK(served.settles_at_ms == stored.settles_at_ms);
  CHECK(served.sequence == stored.sequence);
  CHECK(served.unique_keys.empty());
  CHECK(served.references.empty());
}

// count(*) of children with settles_at_ms after now_ms, asked of the file
// itself through a connection of its own.
inline std::int64_t SqlCountUnsettledChildren(const std::string& path, const std::string& account,
                                              const std::string& kind, const std::string& parent,
                                              TimeMs now_ms) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  REQUIRE(sqlite3_prepare_v2(db,
                             "SELECT count(*) FROM records WHERE account = ?1 AND kind = ?2 "
                             "AND parent = ?3 AND settles_at_ms > ?4",
                             -1, &statement, nullptr) == SQLITE_OK);
  sqlite3_bind_text(statement, 1, account.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(statement, 2, kind.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(statement, 3, parent.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(statement, 4, now_ms);
  REQUIRE(sqlite3_step(statement) == SQLITE_ROW);
  const std::int64_t count = sqlite3_column_int64(statement, 0);
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return count;
}

// What the store serves from memory (Get, List, CountUnsettledChildren) is
// what the database holds (All, read by SQL; and, given the file's path,
// children counted by SQL on the file). Also checks the usual accounts, kinds
// and parents, so a record the database lost but the cache kept shows up.
inline void CheckCacheMatchesDatabase(Store& store, const std::string& path = "") {
  const auto all = Ok(store.All());
  std::set<std::pair<std::string, std::string>> kinds;
  std::set<std::pair<std::string, std::string>> parents_of_kind;  // (kind, parent)
  for (const char* account : {kAccount, kOtherAccount}) {
    for (const char* kind : {"distribution", "invalidation", "streaming-distribution"}) {
      kinds.insert({account, kind});
      for (const char* parent : {"", "E1", "E2"}) parents_of_kind.insert({kind, parent});
    }
  }
  std::map<std::pair<std::string, std::string>, std::vector<Record>> stored_by_kind;
  for (const auto& record : all) {
    const auto served = store.Get(record.account, record.kind, record.id);
    REQUIRE_MESSAGE(served, "Get misses " << record.kind << " " << record.id);
    CheckSameRow(*served, record);
    kinds.insert({record.account, record.kind});
    parents_of_kind.insert({record.kind, record.parent});
    stored_by_kind[{record.account, record.kind}].push_back(record);
  }
  for (const auto& [account, kind] : kinds) {
    INFO("list of " << kind << " in " << account);
    const auto& stored = stored_by_kind[{account, kind}];  // All's order: by sequence
    const ListPage page = store.List(ListQuery{account, kind, std::nullopt, "", 1000000, false});
    CHECK(page.total == stored.size());
    CHECK_FALSE(page.truncated);
    REQUIRE(page.records.size() == stored.size());
    for (std::size_t i = 0; i < stored.size(); ++i) CheckSameRow(page.records[i], stored[i]);
    for (const auto& [parent_kind, parent] : parents_of_kind) {
      if (parent_kind != kind) continue;
      for (const TimeMs now : {TimeMs{0}, TimeMs{1000}, TimeMs{2000}, TimeMs{5000}, TimeMs{9000}}) {
        std::int64_t expected = 0;
        for (const auto& record : stored) {
          if (record.parent == parent && record.settles_at_ms > now) ++expected;
        }
        INFO("unsettled children of \"" << parent << "\" at " << now);
        CHECK(store.CountUnsettledChildren(account, kind, parent, now) == expected);
        if (!path.empty()) {
          CHECK(SqlCountUnsettledChildren(path, account, kind, parent, now) == expected);
        }
      }
    }
  }
}

}  // namespace cfl::store::testing
