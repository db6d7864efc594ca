// The rules the store checks inside the write transaction (store.h
// InsertRules, ReplaceRules, DeleteRules, ExpectStep) and the atomicity of a
// Transact of several steps; races between a delete and a write that
// references the deleted record.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "store/store_test_support.h"

namespace cfl::store {
namespace {

using testing::Err;
using testing::Inserted;
using testing::kAccount;
using testing::MakeChild;
using testing::MakeRecord;
using testing::Ok;
using testing::OpenInMemory;

Record Oai(std::string id) { return MakeRecord(std::move(id), {}, {}, "origin-access-identity"); }

Record UsingOai(std::string id, const std::string& oai) {
  return MakeRecord(std::move(id), {}, {ReferenceTo("origin-access-identity", oai)});
}

TEST_CASE("a required reference must name a record of the account, else nothing is written") {
  auto store = OpenInMemory();
  const std::string reference = ReferenceTo("origin-access-identity", "O1");
  const auto missing = Err(store->Insert(UsingOai("E1", "O1"), {.required_references = {reference}}));
  CHECK(missing.kind == StoreErrorKind::kMissingReference);
  CHECK(missing.conflicting_key == reference);
  CHECK_FALSE(store->Get(kAccount, "distribution", "E1"));

  Inserted(*store, Oai("O1"));
  Ok(store->Insert(UsingOai("E1", "O1"), {.required_references = {reference}}));
  // Another account's record of that id does not count.
  Inserted(*store, MakeRecord("O2", {}, {}, "origin-access-identity", testing::kOtherAccount));
  Record next = UsingOai("E1", "O2");
  next.etag = "E2";
  CHECK(Err(store->Replace(
                next, {.expected_etag = "E1", .required_references = {ReferenceTo("origin-access-identity", "O2")}}))
            .kind == StoreErrorKind::kMissingReference);
  CHECK(store->Get(kAccount, "distribution", "E1")->etag == "E1");
}

TEST_CASE("a child needs its parent; deleting the parent takes the children") {
  auto store = OpenInMemory();
  const auto orphan = Err(store->Insert(MakeChild("I1", "E1", 0), {.parent_kind = "distribution"}));
  CHECK(orphan.kind == StoreErrorKind::kMissingReference);
  CHECK(orphan.conflicting_key == ReferenceTo("distribution", "E1"));
  Inserted(*store, MakeRecord("E1"));
  Ok(store->Insert(MakeChild("I1", "E1", 0), {.parent_kind = "distribution"}));
  Ok(store->Delete(kAccount, "distribution", "E1", {}));
  CHECK_FALSE(store->Get(kAccount, "invalidation", "I1"));
}

TEST_CASE("a sibling limit sees the siblings still settling, the new one not yet") {
  auto store = OpenInMemory();
  Inserted(*store, MakeRecord("E1"));
  Inserted(*store, MakeChild("I1", "E1", 5000));
  Inserted(*store, MakeChild("I2", "E1", 500));  // settled at now = 1000
  std::size_t seen = 0;
  InsertRules rules{.siblings_allow =
                        [&](const std::vector<Record>& siblings) {
                          seen = siblings.size();
                          return siblings.size() < 2;
                        },
                    .now_ms = 1000};
  Ok(store->Insert(MakeChild("I3", "E1", 5000), rules));
  CHECK(seen == 1);
  CHECK(Err(store->Insert(MakeChild("I4", "E1", 5000), rules)).kind == StoreErrorKind::kLimitExceeded);
  CHECK(seen == 2);
  CHECK_FALSE(store->Get(kAccount, "invalidation", "I4"));
}

TEST_CASE("a delete refused while referenced names the user; one listing itself does not count") {
  auto store = OpenInMemory();
  Inserted(*store, Oai("O1"));
  Inserted(*store, UsingOai("E1", "O1"));
  const auto refused = Err(store->Delete(kAccount, "origin-access-identity", "O1", {.refuse_while_referenced = true}));
  CHECK(refused.kind == StoreErrorKind::kReferenced);
  CHECK(refused.conflicting_kind == "distribution");
  CHECK(refused.conflicting_id == "E1");
  CHECK(refused.conflicting_key == "origin-access-identity");
  // Without the rule the delete goes through (the rule is the caller's).
  Inserted(*store, MakeRecord("S1", {}, {ReferenceTo("distribution", "S1")}));
  Ok(store->Delete(kAccount, "distribution", "S1", {.refuse_while_referenced = true}));
}

TEST_CASE("a delete refused because a child is referenced deletes nothing") {
  auto store = OpenInMemory();
  Inserted(*store, MakeRecord("F1", {}, {}, "function"));
  Record live = MakeRecord("F1", {}, {}, "function-live");
  live.parent = "F1";
  Inserted(*store, live);
  Inserted(*store, MakeRecord("E1", {}, {ReferenceTo("function-live", "F1")}));
  const auto refused = Err(store->Delete(kAccount, "function", "F1", {.refuse_while_referenced = true}));
  CHECK(refused.kind == StoreErrorKind::kReferenced);
  CHECK(refused.conflicting_key == "function-live");
  CHECK(store->Get(kAccount, "function", "F1"));
  CHECK(store->Get(kAccount, "function-live", "F1"));
}

TEST_CASE("a replace renews the records of the named kinds that reference it, in the same transaction") {
  auto store = OpenInMemory();
  Inserted(*store, MakeRecord("P1", {}, {}, "cache-policy"));
  Inserted(*store, MakeRecord("E1", {}, {ReferenceTo("cache-policy", "P1")}));
  Inserted(*store, MakeRecord("E2"));
  Record next = MakeRecord("P1", {}, {}, "cache-policy");
  next.etag = "P1v2";
  const auto generation = store->Generation();
  Ok(store->Replace(next, {.expected_etag = "E1", .renew_kinds = {"distribution"}, .renew = [](Record& user) {
                             user.etag = "renewed";
                             user.modified_ms = 9000;
                             user.settles_at_ms = 9500;
                           }}));
  CHECK(store->Generation() != generation);
  const auto renewed = store->Get(kAccount, "distribution", "E1");
  CHECK(renewed->etag == "renewed");
  CHECK(renewed->modified_ms == 9000);
  CHECK(renewed->settles_at_ms == 9500);
  CHECK(store->Get(kAccount, "distribution", "E2")->etag == "E1");
  // What the database holds agrees with what the cache serves.
  CHECK(testing::Exported(*store, "distribution", "E1")->etag == "renewed");
  CHECK(testing::Exported(*store, "distribution", "E1")->references ==
        std::vector<std::string>{ReferenceTo("cache-policy", "P1")});
}

TEST_CASE("Transact: every step or none; an expect step guards the others") {
  auto store = OpenInMemory();
  Inserted(*store, MakeRecord("F1", {}, {}, "function"));
  Record live = MakeRecord("F1", {}, {}, "function-live");
  live.parent = "F1";

  std::vector<WriteStep> stale;
  stale.emplace_back(ExpectStep{kAccount, "function", "F1", "stale"});
  stale.emplace_back(InsertStep{live});
  const auto refused = Err(store->Transact(std::move(stale)));
  CHECK(refused.kind == StoreErrorKind::kVersionMismatch);
  CHECK(refused.step == 0);
  CHECK_FALSE(store->Get(kAccount, "function-live", "F1"));

  std::vector<WriteStep> half;
  half.emplace_back(InsertStep{live});
  half.emplace_back(InsertStep{MakeRecord("F1", {}, {}, "function")});  // the id is taken
  const auto second = Err(store->Transact(std::move(half)));
  CHECK(second.kind == StoreErrorKind::kAlreadyExists);
  CHECK(second.step == 1);
  CHECK_FALSE(store->Get(kAccount, "function-live", "F1"));
  testing::CheckCacheMatchesDatabase(*store);

  std::vector<WriteStep> steps;
  steps.emplace_back(ExpectStep{kAccount, "function", "F1", "E1"});
  steps.emplace_back(InsertStep{live});
  const auto written = Ok(store->Transact(std::move(steps)));
  REQUIRE(written.size() == 2);
  CHECK(written[0].kind == "function");
  CHECK(written[1].kind == "function-live");
  CHECK(store->Get(kAccount, "function-live", "F1"));
}

// A delete racing a write that references the deleted record: whatever the
// order, no record is left referencing one that does not exist.
TEST_CASE("race: deleting a referenced record against creating a user of it never leaves a dangling reference") {
  for (int round = 0; round < 50; ++round) {
    auto store = OpenInMemory();
    Inserted(*store, Oai("O1"));
    const std::string reference = ReferenceTo("origin-access-identity", "O1");
    std::atomic<bool> go = false;
    StoreResult<Record> created = StoreError{};
    StoreResult<Record> deleted = StoreError{};
    std::thread creator([&] {
      while (!go) std::this_thread::yield();
      created = store->Insert(UsingOai("E1", "O1"), {.required_references = {reference}});
    });
    std::thread deleter([&] {
      while (!go) std::this_thread::yield();
      deleted = store->Delete(kAccount, "origin-access-identity", "O1", {.refuse_while_referenced = true});
    });
    go = true;
    creator.join();
    deleter.join();
    const bool has_user = store->Get(kAccount, "distribution", "E1").has_value();
    const bool has_target = store->Get(kAccount, "origin-access-identity", "O1").has_value();
    CAPTURE(round);
    CHECK((!has_user || has_target));  // never a user without its target
    CHECK(has_user == std::holds_alternative<Record>(created));
    CHECK(has_target != std::holds_alternative<Record>(deleted));
  }
}

}  // namespace
}  // namespace cfl::store
