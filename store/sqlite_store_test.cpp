#include <doctest/doctest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"
#include "store/store_test_support.h"

namespace cfl::store {

using namespace testing;

TEST_CASE("insert then get returns the same record with its sequence") {
  auto store = OpenInMemory();
  Record given = MakeRecord("EDFDVBD6EXAMPLE", {"caller:ref-1", "alias:www.example.com"},
                            {"origin-access-identity:E2QWRUHAPOMQZL"});
  given.settles_at_ms = 5000;
  const Record first = Inserted(*store, given);
  const Record second = Inserted(*store, MakeRecord("E2", {"caller:ref-2"}));
  CHECK(first.sequence > 0);
  CHECK(second.sequence > first.sequence);

  auto got = store->Get(kAccount, "distribution", "EDFDVBD6EXAMPLE");
  REQUIRE(got);
  CHECK(got->account == kAccount);
  CHECK(got->etag == "E1");
  CHECK(got->document == given.document);
  CHECK(got->metadata == given.metadata);
  // Get leaves keys and references out; All has them.
  CHECK(got->unique_keys.empty());
  CHECK(got->references.empty());
  CHECK(Exported(*store, "distribution", "EDFDVBD6EXAMPLE")->unique_keys == given.unique_keys);
  CHECK(Exported(*store, "distribution", "EDFDVBD6EXAMPLE")->references == given.references);
  CHECK(got->created_ms == 1000);
  CHECK(got->settles_at_ms == 5000);
  CHECK(got->sequence == first.sequence);

  CHECK_FALSE(store->Get(kAccount, "distribution", "missing"));
  CHECK_FALSE(store->Get(kOtherAccount, "distribution", "EDFDVBD6EXAMPLE"));
  CHECK_FALSE(store->Get(kAccount, "invalidation", "EDFDVBD6EXAMPLE"));
}

TEST_CASE("insert refuses a taken unique key or id") {
  auto store = OpenInMemory();
  Inserted(*store, MakeRecord("E1", {"caller:ref-1", "alias:a.example.com"}));

  const auto key_taken = Err(store->Insert(MakeRecord("E2", {"alias:a.example.com"})));
  CHECK(key_taken.kind == StoreErrorKind::kAlreadyExists);
  CHECK(key_taken.conflicting_id == "E1");
  CHECK(key_taken.conflicting_key == "alias:a.example.com");

  const auto id_taken = Err(store->Insert(MakeRecord("E1")));
  CHECK(id_taken.kind == StoreErrorKind::kAlreadyExists);
  CHECK(id_taken.conflicting_id == "E1");
  CHECK(id_taken.conflicting_key == "id");

  // Keys are unique per (account, kind) only.
  Inserted(*store, MakeRecord("E3", {"alias:a.example.com"}, {}, "streaming-distribution"));
  Inserted(*store, MakeRecord("E4", {"alias:a.example.com"}, {}, "distribution", kOtherAccount));
  CHECK(Ok(store->All()).size() == 3);
}

TEST_CASE("insert refuses a record without identity") {
  auto store = OpenInMemory();
  CHECK(Err(store->Insert(MakeRecord(""))).kind == StoreErrorKind::kInvalidInput);
}

TEST_CASE("a repeated key within one record is stored once") {
  auto store = OpenInMemory();
  const Record record = Inserted(*store, MakeRecord("E1", {"k", "k"}, {"r", "r"}));
  CHECK(record.unique_keys == std::vector<std::string>{"k"});
  CHECK(Exported(*store, "distribution", "E1")->references == std::vector<std::string>{"r"});
}

TEST_CASE("insert stops at max_count") {
  auto store = OpenInMemory();
  Inserted(*store, MakeRecord("E1"), 2);
  Inserted(*store, MakeRecord("E2"), 2);
  CHECK(Err(store->Insert(MakeRecord("E3"), {.max_count = 2})).kind == StoreErrorKind::kLimitExceeded);
  // Other kinds and accounts have their own count.
  Inserted(*store, MakeRecord("E3", {}, {}, "distribution", kOtherAccount), 2);
  Inserted(*store, MakeRecord("E3"), std::nullopt);
  CHECK(Ok(store->All()).size() == 4);
}

// Records whose id starts with "S" stand for the counted subset.
static SubsetLimit LimitOfS(std::int64_t max) {
  return SubsetLimit{"s-records", max, [](const Record& record) { return record.id.starts_with("S"); }};
}

TEST_CASE("a subset limit counts only the records it names, and only refuses one of them") {
  auto store = OpenInMemory();
  for (const char* id : {"S1", "S2", "E1", "E2", "E3"}) {
    Ok(store->Insert(MakeRecord(id), {.subset_limit = LimitOfS(2)}));
  }
  const StoreError refused = Err(store->Insert(MakeRecord("S3"), {.subset_limit = LimitOfS(2)}));
  CHECK(refused.kind == StoreErrorKind::kLimitExceeded);
  CHECK(refused.conflicting_key == "s-records");
  // A record outside the subset is not refused; the limit is per account.
  Ok(store->Insert(MakeRecord("E4"), {.subset_limit = LimitOfS(2)}));
  Ok(store->Insert(MakeRecord("S3", {}, {}, "distribution", kOtherAccount), {.subset_limit = LimitOfS(2)}));
  CHECK(Ok(store->All()).size() == 7);
}

TEST_CASE("replace is a compare-and-swap on the etag") {
  auto store = OpenInMemory();
  const Record original = Inserted(*store, MakeRecord("E1", {"caller:ref-1", "alias:old"}));

  Record next = original;
  next.etag = "E2";
  next.document = R"({"Comment":"changed"})";
  next.unique_keys = {"caller:ref-1", "alias:new"};
  next.created_ms = 99;  // ignored: the stored value stays
  next.sequence = 12345;
  next.modified_ms = 2000;
  const Record replaced = Ok(store->Replace(next, {.expected_etag = "E1"}));
  CHECK(replaced.etag == "E2");
  CHECK(replaced.created_ms == 1000);
  CHECK(replaced.sequence == original.sequence);

  auto got = store->Get(kAccount, "distribution", "E1");
  REQUIRE(got);
  CHECK(got->etag == "E2");
  CHECK(got->document == next.document);
  CHECK(got->modified_ms == 2000);
  CHECK(got->created_ms == 1000);
  CHECK(got->sequence == original.sequence);
  CHECK(Exported(*store, "distribution", "E1")->unique_keys ==
        std::vector<std::string>{"caller:ref-1", "alias:new"});
  // The dropped key is free again.
  Inserted(*store, MakeRecord("E9", {"alias:old"}));

  SUBCASE("a stale etag changes nothing") {
    Record stale = *got;
    stale.etag = "E3";
    stale.document = "stale";
    stale.unique_keys = {"alias:stale"};
    const auto error = Err(store->Replace(stale, {.expected_etag = "E1"}));
    CHECK(error.kind == StoreErrorKind::kVersionMismatch);
    auto after = store->Get(kAccount, "distribution", "E1");
    CHECK(after->etag == "E2");
    CHECK(after->document == next.document);
    CHECK(Exported(*store, "distribution", "E1")->unique_keys == replaced.unique_keys);
  }
  SUBCASE("an absent record is not found") {
    Record missing = MakeRecord("nope");
    CHECK(Err(store->Replace(missing, {.expected_etag = "E1"})).kind == StoreErrorKind::kNotFound);
  }
}

TEST_CASE("replace refuses a unique key held by another record") {
  auto store = OpenInMemory();
  Inserted(*store, MakeRecord("E1", {"alias:a"}));
  const Record second = Inserted(*store, MakeRecord("E2", {"alias:b"}));

  Record next = second;
  next.etag = "E2";
  next.unique_keys = {"alias:b", "alias:a"};
  const auto error = Err(store->Replace(next, {.expected_etag = "E1"}));
  CHECK(error.kind == StoreErrorKind::kAlreadyExists);
  CHECK(error.conflicting_id == "E1");
  CHECK(error.conflicting_key == "alias:a");

  auto after = store->Get(kAccount, "distribution", "E2");
  CHECK(after->etag == "E1");
  CHECK(Exported(*store, "distribution", "E2")->unique_keys == std::vector<std::string>{"alias:b"});
}

TEST_CASE("set metadata keeps the version") {
  auto store = OpenInMemory();
  Inserted(*store, MakeRecord("E1"));
  const Record updated = Ok(store->SetMetadata(kAccount, "distribution", "E1", R"({"Tags":[1]})"));
  CHECK(updated.metadata == R"({"Tags":[1]})");
  auto got = store->Get(kAccount, "distribution", "E1");
  CHECK(got->metadata == R"({"Tags":[1]})");
  CHECK(got->etag == "E1");
  CHECK(Err(store->SetMetadata(kAccount, "distribution", "nope", "{}")).kind ==
        StoreErrorKind::kNotFound);
}

TEST_CASE("delete checks the etag and the reference guard") {
  auto store = OpenInMemory();
  Inserted(*store, MakeRecord("OAI1", {"caller:oai"}, {}, "origin-access-identity"));
  const Record distribution = Inserted(*store, MakeRecord("E1", {"caller:d"}, {"origin-access-identity:OAI1"}));

  const auto stale =
      store->Delete(kAccount, "origin-access-identity", "OAI1", {.expected_etag = "wrong"});
  CHECK(Err(stale).kind == StoreErrorKind::kVersionMismatch);
  // An empty expected etag is not a wildcard.
  CHECK(Err(store->Delete(kAccount, "origin-access-identity", "OAI1", {.expected_etag = ""})).kind ==
        StoreErrorKind::kVersionMismatch);

  const auto referenced =
      Err(store->Delete(kAccount, "origin-access-identity", "OAI1", {.expected_etag = "E1", .refuse_while_referenced = true}));
  CHECK(referenced.kind == StoreErrorKind::kReferenced);
  CHECK(referenced.conflicting_id == "E1");
  CHECK(store->Get(kAccount, "origin-access-identity", "OAI1"));

  const Record deleted = Ok(store->Delete(kAccount, "distribution", "E1", {.expected_etag = "E1", .refuse_while_referenced = true}));
  CHECK(deleted.id == "E1");
  CHECK(deleted.references == distribution.references);
  CHECK_FALSE(store->Get(kAccount, "distribution", "E1"));
  CHECK(Ok(store->FindReferencing(kAccount, "origin-access-identity:OAI1")).empty());
  // Its keys went with it.
  Inserted(*store, MakeRecord("E2", {"caller:d"}));

  Ok(store->Delete(kAccount, "origin-access-identity", "OAI1", {.expected_etag = "E1", .refuse_while_referenced = true}));
  CHECK(Err(store->Delete(kAccount, "origin-access-identity", "OAI1", {.expected_etag = "E1"})).kind ==
        StoreErrorKind::kNotFound);
}

TEST_CASE("a reference in another account does not guard a delete") {
  auto store = OpenInMemory();
  Inserted(*store, MakeRecord("OAI1", {}, {}, "origin-access-identity"));
  Inserted(*store, MakeRecord("E1", {}, {"origin-access-identity:OAI1"}, "distribution", kOtherAccount));
  Ok(store->Delete(kAccount, "origin-access-identity", "OAI1", {.expected_etag = "E1", .refuse_while_referenced = true}));
}

TEST_CASE("find referencing returns every record of the account listing the reference") {
  auto store = OpenInMemory();
  Inserted(*store, MakeRecord("E1", {}, {"policy:P1"}));
  Inserted(*store, MakeRecord("E2", {}, {"policy:P2"}));
  Inserted(*store, MakeRecord("S1", {}, {"policy:P1"}, "streaming-distribution"));
  Inserted(*store, MakeRecord("E3", {}, {"policy:P1"}, "distribution", kOtherAccount));
  const auto found = Ok(store->FindReferencing(kAccount, "policy:P1"));
  CHECK(Ids(found) == std::vector<std::string>{"E1", "S1"});
  CHECK(found[0].references == std::vector<std::string>{"policy:P1"});
}

TEST_CASE("list pages through records by insertion order") {
  auto store = OpenInMemory();
  std::vector<std::string> inserted;
  for (int i = 0; i < 250; ++i) {
    // Ids deliberately not in insertion order.
    inserted.push_back("E" + std::to_string((i * 7919) % 1000));
    Inserted(*store, MakeRecord(inserted.back(), {"caller:" + std::to_string(i)}));
  }
  Inserted(*store, MakeRecord("other-kind", {}, {}, "streaming-distribution"));

  ListQuery query{kAccount, "distribution", std::nullopt, "", 100, false};
  SUBCASE("oldest first") {
    std::vector<std::string> seen;
    std::vector<bool> truncated;
    for (int page_number = 0; page_number < 3; ++page_number) {
      const ListPage page = store->List(query);
      CHECK(page.total == 250);
      truncated.push_back(page.truncated);
      for (const auto& record : page.records) seen.push_back(record.id);
      REQUIRE_FALSE(page.records.empty());
      CHECK(page.records.front().unique_keys.empty());  // List leaves them out
      query.after_id = page.records.back().id;
    }
    CHECK(seen == inserted);
    CHECK(truncated == std::vector<bool>{true, true, false});
  }
  SUBCASE("newest first") {
    std::vector<std::string> seen;
    std::size_t pages = 0;
    query.newest_first = true;
    while (true) {
      const ListPage page = store->List(query);
      ++pages;
      for (const auto& record : page.records) seen.push_back(record.id);
      if (!page.truncated) break;
      query.after_id = page.records.back().id;
    }
    CHECK(pages == 3);
    CHECK(seen == std::vector<std::string>(inserted.rbegin(), inserted.rend()));
  }
  SUBCASE("an exact multiple of the limit is not truncated at the end") {
    query.limit = 125;
    const ListPage first = store->List(query);
    CHECK(first.truncated);
    query.after_id = first.records.back().id;
    const ListPage second = store->List(query);
    CHECK(second.records.size() == 125);
    CHECK_FALSE(second.truncated);
  }
  SUBCASE("an unknown marker returns records whose id is greater, in sequence order") {
    query.after_id = "E5";
    query.limit = 1000;
    const ListPage page = store->List(query);
    std::vector<std::string> expected;
    for (const auto& id : inserted) {
      if (id > "E5") expected.push_back(id);
    }
    CHECK(Ids(page.records) == expected);
    CHECK(page.total == 250);
  }
  SUBCASE("limit zero says whether anything is there") {
    query.limit = 0;
    const ListPage page = store->List(query);
    CHECK(page.records.empty());
    CHECK(page.truncated);
  }
}

TEST_CASE("list filters by parent") {
  auto store = OpenInMemory();
  Inserted(*store, MakeChild("I1", "E1", 0));
  Inserted(*store, MakeChild("I2", "E2", 0));
  Inserted(*store, MakeChild("I3", "E1", 0));
  ListQuery query{kAccount, "invalidation", std::string("E1"), "", 1, true};
  const ListPage first = store->List(query);
  CHECK(Ids(first.records) == std::vector<std::string>{"I3"});
  CHECK(first.total == 2);
  CHECK(first.truncated);
  query.after_id = "I3";
  const ListPage second = store->List(query);
  CHECK(Ids(second.records) == std::vector<std::string>{"I1"});
  CHECK_FALSE(second.truncated);
}

TEST_CASE("replace keeps the parent or moves the record to a new one") {
  auto store = OpenInMemory();
  const Record child = Inserted(*store, MakeChild("I1", "E1", 0));
  const auto children_of = [&](const std::string& parent) {
    return Ids(store->List({kAccount, "invalidation", parent, "", 10, false}).records);
  };
  Record same = child;
  same.etag = "E2";
  same.document = R"({"Comment":"same parent"})";
  Ok(store->Replace(same, {.expected_etag = child.etag}));
  CHECK(children_of("E1") == std::vector<std::string>{"I1"});
  Record moved = same;
  moved.etag = "E3";
  moved.parent = "E9";
  Ok(store->Replace(moved, {.expected_etag = "E2"}));
  CHECK(children_of("E1").empty());
  CHECK(children_of("E9") == std::vector<std::string>{"I1"});
  const auto got = store->Get(kAccount, "invalidation", "I1");
  REQUIRE(got);
  CHECK(got->parent == "E9");
  CHECK(got->etag == "E3");
}

TEST_CASE("unsettled children are counted and settled") {
  auto store = OpenInMemory();
  Inserted(*store, MakeChild("I1", "E1", 5000));
  Inserted(*store, MakeChild("I2", "E1", 9000));
  Inserted(*store, MakeChild("I3", "E1", 1000));
  Inserted(*store, MakeChild("I4", "E2", 9000));
  Record elsewhere = MakeChild("I5", "E1", 9000);
  elsewhere.account = kOtherAccount;
  Inserted(*store, elsewhere);

  CHECK(store->CountUnsettledChildren(kAccount, "invalidation", "E1", 2000) == 2);
  CHECK(store->CountUnsettledChildren(kAccount, "invalidation", "E1", 6000) == 1);
  CHECK(store->CountUnsettledChildren(kAccount, "invalidation", "E1", 9000) == 0);

  CHECK(Ok(store->SettleAll(2000, std::string(kAccount), std::string("I1"))) == 1);
  CHECK(store->Get(kAccount, "invalidation", "I1")->settles_at_ms == 2000);
  CHECK(store->CountUnsettledChildren(kAccount, "invalidation", "E1", 2000) == 1);

  CHECK(Ok(store->SettleAll(2000, std::string(kAccount), std::nullopt)) == 2);  // I2, I4
  CHECK(store->Get(kAccount, "invalidation", "I3")->settles_at_ms == 1000);  // already settled
  CHECK(store->Get(kAccount, "invalidation", "I2")->etag == "E1");
  CHECK(store->Get(kOtherAccount, "invalidation", "I5")->settles_at_ms == 9000);

  CHECK(Ok(store->SettleAll(2000, std::nullopt, std::nullopt)) == 1);  // I5
  CHECK(Ok(store->SettleAll(2000, std::nullopt, std::nullopt)) == 0);
}

TEST_CASE("reset of one account leaves the others") {
  auto store = OpenInMemory();
  Inserted(*store, MakeRecord("E1", {"caller:x"}, {"origin-access-identity:O"}));
  Inserted(*store, MakeRecord("E2", {"caller:x"}, {"origin-access-identity:O"}, "distribution", kOtherAccount));
  Ok(store->Reset(std::string(kAccount)));
  CHECK_FALSE(store->Get(kAccount, "distribution", "E1"));
  CHECK(store->Get(kOtherAccount, "distribution", "E2"));
  CHECK(Ok(store->FindReferencing(kAccount, "origin-access-identity:O")).empty());
  CHECK(Ok(store->FindReferencing(kOtherAccount, "origin-access-identity:O")).size() == 1);
  Inserted(*store, MakeRecord("E1", {"caller:x"}));  // its keys are gone too

  Ok(store->Reset(std::nullopt));
  CHECK(Ok(store->All()).empty());
  CHECK(Ok(store->CountByKind()).empty());
}

TEST_CASE("count by kind") {
  auto store = OpenInMemory();
  Inserted(*store, MakeRecord("E1"));
  Inserted(*store, MakeRecord("E2"));
  Inserted(*store, MakeRecord("I1", {}, {}, "invalidation"));
  Inserted(*store, MakeRecord("E1", {}, {}, "distribution", kOtherAccount));
  const auto counts = Ok(store->CountByKind());
  REQUIRE(counts.size() == 3);
  CHECK(counts[0].account == kAccount);
  CHECK(counts[0].kind == "distribution");
  CHECK(counts[0].count == 2);
  CHECK(counts[1].kind == "invalidation");
  CHECK(counts[2].account == kOtherAccount);
  CHECK(counts[2].count == 1);
}

TEST_CASE("replace all restores what all exported") {
  auto source = OpenInMemory();
  Inserted(*source, MakeRecord("E1", {"caller:1", "alias:a"}, {"origin-access-identity:O1"}));
  Inserted(*source, MakeChild("I1", "E1", 7000));
  Inserted(*source, MakeRecord("E2", {"caller:2"}, {}, "distribution", kOtherAccount));
  Inserted(*source, MakeRecord("E3", {"caller:3"}));
  Ok(source->Delete(kAccount, "distribution", "E3", {.expected_etag = "E1"}));
  Inserted(*source, MakeRecord("E4", {"caller:4"}));
  const auto exported = Ok(source->All());
  REQUIRE(exported.size() == 4);
  CHECK(exported[0].account == kAccount);
  CHECK(exported[0].kind == "distribution");

  auto target = OpenInMemory();
  Inserted(*target, MakeRecord("stale"));
  CHECK(Ok(target->ReplaceAll(exported)) == 4);
  const auto imported = Ok(target->All());
  REQUIRE(imported.size() == exported.size());
  for (std::size_t i = 0; i < exported.size(); ++i) {
    CHECK(imported[i].id == exported[i].id);
    CHECK(imported[i].sequence == exported[i].sequence);
    CHECK(imported[i].unique_keys == exported[i].unique_keys);
    CHECK(imported[i].references == exported[i].references);
    CHECK(imported[i].parent == exported[i].parent);
    CHECK(imported[i].settles_at_ms == exported[i].settles_at_ms);
  }
  CHECK_FALSE(target->Get(kAccount, "distribution", "stale"));
  CHECK(Err(target->Insert(MakeRecord("E9", {"alias:a"}))).conflicting_id == "E1");

  std::int64_t max_sequence = 0;
  for (const auto& record : exported) max_sequence = std::max(max_sequence, record.sequence);
  CHECK(Inserted(*target, MakeRecord("E5")).sequence == max_sequence + 1);

  SUBCASE("a conflicting snapshot changes nothing") {
    auto conflicting = exported;
    conflicting.push_back(MakeRecord("E8", {"caller:1"}));
    const auto error = Err(target->ReplaceAll(conflicting));
    CHECK(error.kind == StoreErrorKind::kInvalidInput);
    CHECK(error.message.find("caller:1") != std::string::npos);
    CHECK(Ok(target->All()).size() == 5);
    CHECK(target->Get(kAccount, "distribution", "E5"));
  }
  SUBCASE("duplicate ids and sequences are refused") {
    auto duplicated = exported;
    duplicated.push_back(exported[0]);
    duplicated.back().unique_keys.clear();
    CHECK(Err(target->ReplaceAll(duplicated)).kind == StoreErrorKind::kInvalidInput);
    duplicated.back().id = "E7";
    CHECK(Err(target->ReplaceAll(duplicated)).kind == StoreErrorKind::kInvalidInput);
    CHECK(Ok(target->All()).size() == 5);
  }
  SUBCASE("records without a sequence get fresh ones") {
    std::vector<Record> snapshot{MakeRecord("A"), MakeRecord("B")};
    snapshot[1].sequence = 10;
    CHECK(Ok(target->ReplaceAll(snapshot)) == 2);
    CHECK(target->Get(kAccount, "distribution", "A")->sequence == 11);
    CHECK(Inserted(*target, MakeRecord("C")).sequence == 12);
  }
}

TEST_CASE("a file database keeps its data across reopening") {
  TempDatabase database;
  Record inserted;
  {
    auto opened = OpenSqliteStore(database.path);
    Store& store = *Ok(opened);
    inserted = Inserted(store, MakeRecord("E1", {"caller:1"}, {"origin-access-identity:O"}));
    Inserted(store, MakeRecord("E2"));
  }
  CHECK(std::filesystem::exists(database.path));
  auto reopened = OpenSqliteStore(database.path);
  Store& store = *Ok(reopened);
  auto got = Exported(store, "distribution", "E1");
  REQUIRE(got);
  CHECK(got->unique_keys == inserted.unique_keys);
  CHECK(got->references == inserted.references);
  CHECK(got->sequence == inserted.sequence);
  CHECK(Ok(store.All()).size() == 2);
  CHECK(Inserted(store, MakeRecord("E3")).sequence > inserted.sequence + 1);
}

TEST_CASE("after reopening, replaces keep, free and take keys as the rows say") {
  // The cache of a reopened store holds no keys: a replace must learn them
  // from the rows, or dropping the only key would look like no change.
  TempDatabase database;
  {
    auto opened = OpenSqliteStore(database.path);
    Inserted(*Ok(opened), MakeRecord("E1", {"alias:a"}));
  }
  auto reopened = OpenSqliteStore(database.path);
  Store& store = *Ok(reopened);
  Inserted(store, MakeRecord("E7"));  // a write first: the cache is then as current as the rows
  Record next = MakeRecord("E1");
  next.etag = "E2";
  Ok(store.Replace(next, {.expected_etag = "E1"}));
  Inserted(store, MakeRecord("E5", {"alias:a"}));  // freed by the replace
  next.etag = "E3";
  next.unique_keys = {"alias:a"};
  const auto taken = Err(store.Replace(next, {.expected_etag = "E2"}));
  CHECK(taken.kind == StoreErrorKind::kAlreadyExists);
  CHECK(taken.conflicting_id == "E5");
  next.unique_keys = {"alias:b"};
  Ok(store.Replace(next, {.expected_etag = "E2"}));
  CHECK(Exported(store, "distribution", "E1")->unique_keys == std::vector<std::string>{"alias:b"});
  CHECK(Err(store.Insert(MakeRecord("E6", {"alias:b"}))).conflicting_id == "E1");
}

TEST_CASE("a database file is used by one open store at a time") {
  TempDatabase database;
  {
    auto first = OpenSqliteStore(database.path);
    Inserted(*Ok(first), MakeRecord("E1"));
    const auto error = Err(OpenSqliteStore(database.path));
    CHECK(error.kind == StoreErrorKind::kIo);
    CHECK(error.message.find("locked by another open store") != std::string::npos);
    // The refused open took nothing of the first store's: it still writes and reads.
    Inserted(*Ok(first), MakeRecord("E2"));
    CHECK(Ok(first)->Get(kAccount, "distribution", "E1"));
  }
  auto reopened = OpenSqliteStore(database.path);
  CHECK(Ok(Ok(reopened)->All()).size() == 2);
}

TEST_CASE("the per-kind limit is a counter kept with the rows, through deletes, resets and imports") {
  auto store = OpenInMemory();
  Inserted(*store, MakeRecord("E1"), 2);
  const Record second = Inserted(*store, MakeRecord("E2"), 2);
  CHECK(Err(store->Insert(MakeRecord("E3"), {.max_count = 2})).kind == StoreErrorKind::kLimitExceeded);
  Ok(store->Delete(kAccount, "distribution", "E2", {.expected_etag = second.etag}));
  Inserted(*store, MakeRecord("E3"), 2);
  CHECK(Err(store->Insert(MakeRecord("E4"), {.max_count = 2})).kind == StoreErrorKind::kLimitExceeded);
  Ok(store->Reset(kAccount));
  Inserted(*store, MakeRecord("E5"), 1);
  CHECK(Err(store->Insert(MakeRecord("E6"), {.max_count = 1})).kind == StoreErrorKind::kLimitExceeded);
  Ok(store->ReplaceAll({MakeRecord("E7"), MakeRecord("E8")}));
  CHECK(Err(store->Insert(MakeRecord("E9"), {.max_count = 2})).kind == StoreErrorKind::kLimitExceeded);
  Inserted(*store, MakeRecord("E9"), 3);
  const auto counts = Ok(store->CountByKind());
  REQUIRE(counts.size() == 1);
  CHECK(counts[0].count == 3);
}

TEST_CASE("a database of schema 2 gets its counters from the rows it holds") {
  TempDatabase database;
  {
    auto store = OpenSqliteStore(database.path);
    Inserted(*Ok(store), MakeRecord("E1"));
    Inserted(*Ok(store), MakeRecord("E2"));
  }
  // Back to what schema 2 had: no counters, no links in the rows.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(database.path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db,
                       "DROP TRIGGER records_count_insert; DROP TRIGGER records_count_delete; "
                       "DROP TABLE record_counts; ALTER TABLE records DROP COLUMN links; PRAGMA user_version = 2",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenSqliteStore(database.path);
  CHECK(Err(Ok(store)->Insert(MakeRecord("E3"), {.max_count = 2})).kind == StoreErrorKind::kLimitExceeded);
  Inserted(*Ok(store), MakeRecord("E3"), 3);
}

TEST_CASE("rows of schema 3 (no links in the row) keep their keys on update, and a taken key is refused") {
  TempDatabase database;
  Record first, second;
  {
    auto store = OpenSqliteStore(database.path);
    first = Inserted(*Ok(store), MakeRecord("E1", {"caller:1", "alias:a"}, {"origin-access-identity:O1"}));
    second = Inserted(*Ok(store), MakeRecord("E2", {"caller:2", "alias:b"}));
  }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(database.path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "ALTER TABLE records DROP COLUMN links; PRAGMA user_version = 3", nullptr, nullptr,
                       nullptr) == SQLITE_OK);
  sqlite3_close(db);
  auto opened = OpenSqliteStore(database.path);
  auto& store = *Ok(opened);

  // Taking E1's alias is refused, though E2's row has no links to compare.
  Record taking = second;
  taking.etag = "E2";
  taking.unique_keys = {"caller:2", "alias:a"};
  const auto error = Err(store.Replace(taking, {.expected_etag = "E1"}));
  CHECK(error.kind == StoreErrorKind::kAlreadyExists);
  CHECK(error.conflicting_id == "E1");

  // The same keys and references, twice: the first update writes the links, the second compares them.
  for (const std::string etag : {"E2", "E3"}) {
    Record same = first;
    same.etag = etag;
    same.document = R"({"Comment":")" + etag + "\"}";
    Ok(store.Replace(same, {.expected_etag = etag == "E2" ? "E1" : "E2"}));
    const auto exported = Exported(store, "distribution", "E1");
    CHECK(exported->unique_keys == first.unique_keys);
    CHECK(exported->references == first.references);
  }
  // A key dropped by an update is free again; a kept one is not.
  Record dropping = first;
  dropping.etag = "E4";
  dropping.unique_keys = {"caller:1"};
  Ok(store.Replace(dropping, {.expected_etag = "E3"}));
  Inserted(store, MakeRecord("E5", {"alias:a"}));
  CHECK(Err(store.Insert(MakeRecord("E6", {"caller:1"}))).kind == StoreErrorKind::kAlreadyExists);
}

TEST_CASE("a database file deleted or replaced while open stops every write, saying so") {
  SUBCASE("deleted") {
    TempDatabase database;
    auto store = OpenSqliteStore(database.path);
    Inserted(*Ok(store), MakeRecord("E1"));
    REQUIRE(std::remove(database.path.c_str()) == 0);
    const auto error = Err(Ok(store)->Insert(MakeRecord("E2")));
    CHECK(error.kind == StoreErrorKind::kIo);
    CHECK(error.message.find("was deleted") != std::string::npos);
    // A second store may now open the path; the first still refuses.
    auto second = OpenSqliteStore(database.path);
    Inserted(*Ok(second), MakeRecord("E3"));
    CHECK(Err(Ok(store)->Insert(MakeRecord("E4"))).kind == StoreErrorKind::kIo);
    CHECK_FALSE(Ok(store)->Get(kAccount, "distribution", "E2"));
  }
  SUBCASE("replaced") {
    TempDatabase database;
    TempDatabase other;
    auto store = OpenSqliteStore(database.path);
    Inserted(*Ok(store), MakeRecord("E1"));
    std::ofstream(other.path) << "";
    REQUIRE(std::rename(other.path.c_str(), database.path.c_str()) == 0);
    const auto error = Err(Ok(store)->Insert(MakeRecord("E2")));
    CHECK(error.message.find("was replaced") != std::string::npos);
  }
}

TEST_CASE("a database from a newer schema is refused") {
  TempDatabase database;
  { Ok(OpenSqliteStore(database.path)); }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(database.path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "PRAGMA user_version = 999", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);

  const auto error = Err(OpenSqliteStore(database.path));
  CHECK(error.kind == StoreErrorKind::kIo);
  CHECK(error.message.find("999") != std::string::npos);
  CHECK(error.message.find("newer") != std::string::npos);
}

TEST_CASE("a file that is not a database is refused") {
  TempDatabase database;
  std::ofstream(database.path) << "this is not a sqlite database, just some text long enough";
  CHECK(Err(OpenSqliteStore(database.path)).kind == StoreErrorKind::kIo);
}

TEST_CASE("in-memory stores are independent") {
  auto first = OpenInMemory();
  auto second = OpenSqliteStore("");
  Inserted(*first, MakeRecord("E1"));
  CHECK(Ok(Ok(second)->All()).empty());
}

TEST_CASE("concurrent replaces with the same etag: exactly one wins") {
  TempDatabase database;
  auto opened = OpenSqliteStore(database.path);
  Store& store = *Ok(opened);
  const Record original = Inserted(store, MakeRecord("E1", {"caller:1"}));

  constexpr int kThreads = 16;
  std::atomic<int> successes = 0;
  std::atomic<int> mismatches = 0;
  std::atomic<int> others = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Record next = original;
      next.etag = "E-thread-" + std::to_string(i);
      auto result = store.Replace(next, {.expected_etag = "E1"});
      if (std::holds_alternative<Record>(result)) {
        ++successes;
      } else if (std::get<StoreError>(result).kind == StoreErrorKind::kVersionMismatch) {
        ++mismatches;
      } else {
        ++others;
      }
      (void)store.Get(kAccount, "distribution", "E1");
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(successes == 1);
  CHECK(mismatches == kThreads - 1);
  CHECK(others == 0);
  CHECK(store.Get(kAccount, "distribution", "E1")->etag.rfind("E-thread-", 0) == 0);
}

TEST_CASE("concurrent inserts, reads and lists stay consistent") {
  auto store = OpenInMemory();
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = "T" + std::to_string(t) + "-" + std::to_string(i);
        Inserted(*store, MakeRecord(id, {"caller:" + id}));
        CHECK(store->Get(kAccount, "distribution", id));
        (void)store->List(ListQuery{kAccount, "distribution", std::nullopt, id, 10, true});
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const ListPage page = store->List(ListQuery{kAccount, "distribution", std::nullopt, "", 1000});
  CHECK(page.total == kThreads * kPerThread);
  CHECK(page.records.size() == kThreads * kPerThread);
  for (std::size_t i = 1; i < page.records.size(); ++i) {
    CHECK(page.records[i - 1].sequence < page.records[i].sequence);
  }
}

}  // namespace cfl::store
