// The record cache seen through the Store: after every kind of mutation,
// failed ones included, Get, List and CountUnsettledChildren answer what the
// database holds; and a reopened file serves the same.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <random>
#include <string>
#include <vector>

#include "store/store.h"
#include "store/store_test_support.h"

namespace cfl::store {

using namespace testing;

namespace {

// The page the SQL keyset query over the records table gives (the query List
// ran before the cache served it), asked of the file through its own
// connection: the reference the cache's pages must equal.
ListPage SqlPage(const std::string& path, const ListQuery& query) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  const auto prepare = [&](const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK);
    return statement;
  };
  const auto bind = [](sqlite3_stmt* statement, int index, const std::string& text) {
    sqlite3_bind_text(statement, index, text.c_str(), -1, SQLITE_TRANSIENT);
  };
  const std::string where =
      std::string("account = ?1 AND kind = ?2") + (query.parent ? " AND parent = ?3" : "");

  ListPage page;
  sqlite3_stmt* count = prepare("SELECT count(*) FROM records WHERE " + where);
  bind(count, 1, query.account);
  bind(count, 2, query.kind);
  if (query.parent) bind(count, 3, *query.parent);
  REQUIRE(sqlite3_step(count) == SQLITE_ROW);
  page.total = static_cast<std::size_t>(sqlite3_column_int64(count, 0));
  sqlite3_finalize(count);

  std::optional<std::int64_t> marker_sequence;
  if (!query.after_id.empty()) {
    sqlite3_stmt* marker =
        prepare("SELECT sequence FROM records WHERE account = ?1 AND kind = ?2 AND id = ?3");
    bind(marker, 1, query.account);
    bind(marker, 2, query.kind);
    bind(marker, 3, query.after_id);
    if (sqlite3_step(marker) == SQLITE_ROW) marker_sequence = sqlite3_column_int64(marker, 0);
    sqlite3_finalize(marker);
  }
  std::string sql = "SELECT id FROM records WHERE " + where;
  if (marker_sequence) {
    sql += query.newest_first ? " AND sequence < ?4" : " AND sequence > ?4";
  } else if (!query.after_id.empty()) {
    sql += " AND id > ?5";
  }
  sql += query.newest_first ? " ORDER BY sequence DESC LIMIT ?6" : " ORDER BY sequence LIMIT ?6";
  sqlite3_stmt* rows = prepare(sql);
  bind(rows, 1, query.account);
  bind(rows, 2, query.kind);
  if (query.parent) bind(rows, 3, *query.parent);
  if (marker_sequence) sqlite3_bind_int64(rows, 4, *marker_sequence);
  if (!marker_sequence && !query.after_id.empty()) bind(rows, 5, query.after_id);
  sqlite3_bind_int64(rows, 6, static_cast<std::int64_t>(query.limit) + 1);
  while (sqlite3_step(rows) == SQLITE_ROW) {
    Record record;
    record.id = reinterpret_cast<const char*>(sqlite3_column_text(rows, 0));
    page.records.push_back(std::move(record));
  }
  sqlite3_finalize(rows);
  sqlite3_close(db);
  if (page.records.size() > query.limit) {
    page.truncated = true;
    page.records.resize(query.limit);
  }
  return page;
}

Record WithEtag(Record record, std::string etag) {
  record.etag = std::move(etag);
  return record;
}

}  // namespace

TEST_CASE("cache: every mutation, failed ones too, leaves the cache equal to the database") {
  TempDatabase database;
  auto opened = OpenSqliteStore(database.path);
  Store& store = *Ok(opened);
  const auto check = [&] { CheckCacheMatchesDatabase(store, database.path); };

  // Insert; then inserts refused for a taken key, a taken id, the limit.
  const Record e1 = Inserted(store, MakeRecord("E1", {"caller:1", "alias:a"}, {"origin-access-identity:O1"}));
  Inserted(store, MakeRecord("E2", {"caller:2"}));
  Inserted(store, MakeChild("I1", "E1", 5000));
  Inserted(store, MakeChild("I2", "E1", 9000));
  Inserted(store, MakeChild("I3", "E2", 1000));
  Inserted(store, MakeRecord("O1", {}, {}, "origin-access-identity"));
  check();
  CHECK(Err(store.Insert(MakeRecord("E3", {"alias:a"}))).kind ==
        StoreErrorKind::kAlreadyExists);
  CHECK(Err(store.Insert(MakeRecord("E1"))).kind == StoreErrorKind::kAlreadyExists);
  CHECK(Err(store.Insert(MakeRecord("E3"), {.max_count = 2})).kind == StoreErrorKind::kLimitExceeded);
  CHECK(Err(store.Insert(MakeRecord(""))).kind == StoreErrorKind::kInvalidInput);
  CHECK_FALSE(store.Get(kAccount, "distribution", "E3"));
  check();

  // Replace; refused for a stale etag, a taken key, a missing record.
  Record next = e1;
  next.etag = "E1v2";
  next.document = R"({"Comment":"v2"})";
  next.parent = "";
  next.settles_at_ms = 7000;
  Ok(store.Replace(next, {.expected_etag = "E1"}));
  CHECK(store.Get(kAccount, "distribution", "E1")->document == next.document);
  CHECK(Err(store.Replace(WithEtag(next, "E1v3"), {.expected_etag = "E1"})).kind ==
        StoreErrorKind::kVersionMismatch);
  Record grabbing = MakeRecord("E2", {"caller:2", "alias:a"});
  CHECK(Err(store.Replace(grabbing, {.expected_etag = "E1"})).kind == StoreErrorKind::kAlreadyExists);
  CHECK(Err(store.Replace(MakeRecord("E404"), {.expected_etag = "E1"})).kind == StoreErrorKind::kNotFound);
  CHECK(store.Get(kAccount, "distribution", "E1")->etag == "E1v2");
  check();

  // A child moving to another parent leaves the first parent's count.
  Record moved = MakeChild("I2", "E2", 9000);
  Ok(store.Replace(moved, {.expected_etag = "E1"}));
  CHECK(store.CountUnsettledChildren(kAccount, "invalidation", "E1", 2000) == 1);
  CHECK(store.CountUnsettledChildren(kAccount, "invalidation", "E2", 2000) == 1);
  check();

  // SetMetadata; refused for a missing record.
  Ok(store.SetMetadata(kAccount, "distribution", "E2", R"({"Tags":["t"]})"));
  CHECK(store.Get(kAccount, "distribution", "E2")->metadata == R"({"Tags":["t"]})");
  CHECK(Err(store.SetMetadata(kAccount, "distribution", "E404", "{}")).kind ==
        StoreErrorKind::kNotFound);
  check();

  // Delete; refused for a stale etag and for a reference.
  CHECK(Err(store.Delete(kAccount, "origin-access-identity", "O1", {.expected_etag = "E1", .refuse_while_referenced = true})).kind ==
        StoreErrorKind::kReferenced);
  CHECK(Err(store.Delete(kAccount, "distribution", "E2", {.expected_etag = "stale"})).kind ==
        StoreErrorKind::kVersionMismatch);
  Ok(store.Delete(kAccount, "invalidation", "I1", {.expected_etag = "E1"}));
  CHECK_FALSE(store.Get(kAccount, "invalidation", "I1"));
  check();

  // SettleAll, one record then everything.
  CHECK(Ok(store.SettleAll(2000, std::string(kAccount), std::string("I2"))) == 1);
  CHECK(store.Get(kAccount, "invalidation", "I2")->settles_at_ms == 2000);
  check();
  Inserted(store, MakeChild("I4", "E1", 9000, kOtherAccount));
  CHECK(Ok(store.SettleAll(3000, std::nullopt, std::nullopt)) == 2);  // E1 (7000), I4
  check();

  // Reset of one account, then a ReplaceAll that fails half-way (after it
  // removed everything and imported some records), then one that succeeds.
  const auto snapshot = Ok(store.All());
  Ok(store.Reset(std::string(kOtherAccount)));
  CHECK_FALSE(store.Get(kOtherAccount, "invalidation", "I4"));
  check();
  auto conflicting = snapshot;
  conflicting.push_back(MakeRecord("E9", {"caller:1"}));  // E1's key: refused at the end
  CHECK(Err(store.ReplaceAll(conflicting)).kind == StoreErrorKind::kInvalidInput);
  CHECK_FALSE(store.Get(kOtherAccount, "invalidation", "I4"));
  CHECK_FALSE(store.Get(kAccount, "distribution", "E9"));
  CHECK(store.Get(kAccount, "distribution", "E2"));
  check();
  CHECK(Ok(store.ReplaceAll(snapshot)) == static_cast<std::int64_t>(snapshot.size()));
  CHECK(store.Get(kOtherAccount, "invalidation", "I4"));
  check();
  Ok(store.Reset(std::nullopt));
  CHECK(store.List(ListQuery{kAccount, "distribution", std::nullopt, "", 100}).records.empty());
  check();
}

TEST_CASE("cache: a reopened file serves what the closed store served") {
  TempDatabase database;
  std::vector<Record> served;
  {
    auto opened = OpenSqliteStore(database.path);
    Store& store = *Ok(opened);
    for (int i = 0; i < 30; ++i) {
      Inserted(store, MakeRecord("E" + std::to_string(i), {"caller:" + std::to_string(i)}));
      Inserted(store, MakeChild("I" + std::to_string(i), "E" + std::to_string(i % 3), 1000 * i));
    }
    Ok(store.Replace(WithEtag(MakeRecord("E3", {"caller:3"}), "E3v2"), {.expected_etag = "E1"}));
    Ok(store.SetMetadata(kAccount, "distribution", "E4", R"({"Tags":[4]})"));
    Ok(store.Delete(kAccount, "distribution", "E5", {.expected_etag = "E1"}));
    Ok(store.SettleAll(10000, std::nullopt, std::string("I20")));
    served = store.List(ListQuery{kAccount, "distribution", std::nullopt, "", 1000}).records;
    const auto children = store.List(ListQuery{kAccount, "invalidation", std::nullopt, "", 1000});
    served.insert(served.end(), children.records.begin(), children.records.end());
  }
  auto reopened = OpenSqliteStore(database.path);
  Store& store = *Ok(reopened);
  CheckCacheMatchesDatabase(store, database.path);
  for (const auto& record : served) {
    const auto got = store.Get(record.account, record.kind, record.id);
    REQUIRE(got);
    CheckSameRow(*got, record);
  }
  CHECK_FALSE(store.Get(kAccount, "distribution", "E5"));
  CHECK(store.Get(kAccount, "distribution", "E3")->etag == "E3v2");
  // I11, I14, I17, I23, I26, I29: I20 was settled at 10000.
  CHECK(store.CountUnsettledChildren(kAccount, "invalidation", "E2", 10000) == 6);
}

TEST_CASE("cache: pages from memory equal the SQL keyset query's") {
  TempDatabase database;
  auto opened = OpenSqliteStore(database.path);
  Store& store = *Ok(opened);
  std::mt19937 random(20240531);
  std::vector<std::string> ids;
  for (int i = 0; i < 120; ++i) {
    // Ids not in insertion order; a few parents; some deleted afterwards.
    const std::string id = "I" + std::to_string((i * 7919) % 1000);
    Record child = MakeChild(id, "E" + std::to_string(random() % 4), 0);
    Inserted(store, child);
    ids.push_back(id);
  }
  for (int i = 0; i < 20; ++i) {
    (void)store.Delete(kAccount, "invalidation", ids[random() % ids.size()], {.expected_etag = "E1"});
  }
  std::vector<std::string> markers = {"", "I0", "I5", "I999", "zzz", "E1"};
  for (int i = 0; i < 10; ++i) markers.push_back(ids[random() % ids.size()]);
  for (const auto& marker : markers) {
    for (const std::optional<std::string>& parent :
         {std::optional<std::string>(), std::optional<std::string>("E1"),
          std::optional<std::string>("E3"), std::optional<std::string>("E9")}) {
      for (const std::size_t limit : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{500}}) {
        for (const bool newest_first : {false, true}) {
          const ListQuery query{kAccount, "invalidation", parent, marker, limit, newest_first};
          INFO("marker " << marker << ", parent " << parent.value_or("(none)") << ", limit "
                         << limit << ", newest first " << newest_first);
          const ListPage expected = SqlPage(database.path, query);
          const ListPage page = store.List(query);
          CHECK(Ids(page.records) == Ids(expected.records));
          CHECK(page.truncated == expected.truncated);
          CHECK(page.total == expected.total);
        }
      }
    }
  }
}

}  // namespace cfl::store

namespace cfl::store {

using namespace testing;

TEST_CASE("cache: the generation moves on with every committed write, never with a read or a refused one") {
  auto store = OpenInMemory();
  auto other = OpenInMemory();
  CHECK(store->Generation() != other->Generation());
  std::uint64_t seen = store->Generation();
  const auto moved_on = [&] {
    const std::uint64_t now = store->Generation();
    const bool changed = now != seen;
    seen = now;
    return changed;
  };
  const Record first = Inserted(*store, MakeRecord("A"));
  CHECK(moved_on());
  (void)store->Get(first.account, first.kind, first.id);
  ListQuery query;
  query.account = first.account;
  query.kind = first.kind;
  (void)store->List(query);
  CHECK_FALSE(moved_on());
  Record next = first;
  next.etag = "E2";
  CHECK(Err(store->Replace(next, {.expected_etag = "wrong"})).kind == StoreErrorKind::kVersionMismatch);
  CHECK_FALSE(moved_on());
  Ok(store->Replace(next, {.expected_etag = first.etag}));
  CHECK(moved_on());
  Ok(store->SetMetadata(first.account, first.kind, first.id, "{}"));
  CHECK(moved_on());
  CHECK(Ok(store->SettleAll(5000, std::nullopt, std::nullopt)) >= 0);
  CHECK(moved_on());
  Ok(store->Delete(first.account, first.kind, first.id, {.expected_etag = "E2"}));
  CHECK(moved_on());
  Ok(store->Reset(std::nullopt));
  CHECK(moved_on());
  CHECK(other->Generation() != store->Generation());
}

TEST_CASE("a deleted record takes its children with it; a refused delete takes none") {
  TempDatabase database;
  auto opened = OpenSqliteStore(database.path);
  Store& store = *Ok(opened);
  Inserted(store, MakeRecord("E1"));
  Inserted(store, MakeRecord("E2"));
  Inserted(store, MakeChild("I1", "E1", 5000));
  Inserted(store, MakeChild("I2", "E1", 9000));
  Inserted(store, MakeChild("I3", "E2", 9000));
  Inserted(store, MakeChild("I4", "E1", 9000, kOtherAccount));  // another account's E1

  CHECK(Err(store.Delete(kAccount, "distribution", "E1", {.expected_etag = "stale"})).kind ==
        StoreErrorKind::kVersionMismatch);
  CHECK(store.Get(kAccount, "invalidation", "I1"));
  CHECK(store.CountUnsettledChildren(kAccount, "invalidation", "E1", 0) == 2);

  Ok(store.Delete(kAccount, "distribution", "E1", {.expected_etag = "E1"}));
  CHECK_FALSE(store.Get(kAccount, "invalidation", "I1"));
  CHECK_FALSE(store.Get(kAccount, "invalidation", "I2"));
  CHECK(store.CountUnsettledChildren(kAccount, "invalidation", "E1", 0) == 0);
  CHECK(store.Get(kAccount, "invalidation", "I3"));
  CHECK(store.Get(kOtherAccount, "invalidation", "I4"));
  CheckCacheMatchesDatabase(store, database.path);
}

}  // namespace cfl::store
