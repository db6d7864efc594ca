#include "emulator/control/resource_browser.h"

#include <doctest/doctest.h>

#include "emulator/control/dashboard_files.h"
#include "emulator/control/request_journal.h"
#include "store/store_test_support.h"

namespace cfl::control {
namespace {

using store::testing::Inserted;
using store::testing::kAccount;
using store::testing::kOtherAccount;
using store::testing::MakeRecord;

constexpr std::int64_t kNow = 10'000;

std::vector<std::string> Ids(const Json& page) {
  std::vector<std::string> ids;
  for (const auto& resource : page["resources"]) ids.push_back(resource["id"].get<std::string>());
  return ids;
}

Json Browse(store::Store& store, QueryMap query) {
  auto page = BrowseResources(store, query, kNow);
  REQUIRE(page.ok());
  return page.value();
}

// Two accounts: kAccount has distributions D1..D3 and a cache policy, kOtherAccount one distribution.
std::unique_ptr<store::Store> Seeded() {
  auto store = store::testing::OpenInMemory();
  for (const char* id : {"D1", "D2", "D3"}) {
    auto record = MakeRecord(id, {std::string("caller:") + id});
    record.document = std::string(R"({"Comment":"site )") + id + R"("})";
    record.settles_at_ms = std::string(id) == "D2" ? kNow + 5000 : 0;
    Inserted(*store, std::move(record));
  }
  auto policy = MakeRecord("P1", {"name:p"}, {}, "cache-policy");
  policy.document = R"({"Name":"my policy","Comment":"ignored"})";
  policy.metadata = R"({"Tags":[{"Key":"env","Value":"test"}]})";
  Inserted(*store, std::move(policy));
  Inserted(*store, MakeRecord("O1", {"caller:O1"}, {}, "distribution", kOtherAccount));
  return store;
}

TEST_CASE("resource browser: pages run across accounts and kinds, in order, with a marker") {
  auto store = Seeded();
  // (account, kind) order: 123456789012 cache-policy, 123456789012 distribution, 210987654321 distribution.
  const Json first = Browse(*store, {{"limit", "2"}});
  CHECK(Ids(first) == std::vector<std::string>{"P1", "D1"});
  CHECK(first["total"] == 5);
  CHECK(first["next_marker"] == std::string(kAccount) + "/distribution/D1");
  const Json second = Browse(*store, {{"limit", "2"}, {"marker", first["next_marker"]}});
  CHECK(Ids(second) == std::vector<std::string>{"D2", "D3"});
  const Json third = Browse(*store, {{"limit", "2"}, {"marker", second["next_marker"]}});
  CHECK(Ids(third) == std::vector<std::string>{"O1"});
  CHECK(third["next_marker"].is_null());
  // A page that ends exactly at the last record has no next page.
  CHECK(Browse(*store, {{"limit", "5"}})["next_marker"].is_null());
}

TEST_CASE("resource browser: filters by account, kind, status and search") {
  auto store = Seeded();
  CHECK(Ids(Browse(*store, {{"account", kOtherAccount}})) == std::vector<std::string>{"O1"});
  CHECK(Ids(Browse(*store, {{"kind", "cache-policy"}})) == std::vector<std::string>{"P1"});
  const Json in_progress = Browse(*store, {{"status", "InProgress"}});
  CHECK(Ids(in_progress) == std::vector<std::string>{"D2"});
  CHECK(in_progress["total"].is_null());
  CHECK(Ids(Browse(*store, {{"status", "settled"}, {"account", kAccount}})) ==
        std::vector<std::string>{"P1", "D1", "D3"});
  CHECK(Ids(Browse(*store, {{"search", "site D3"}})) == std::vector<std::string>{"D3"});
  CHECK(Ids(Browse(*store, {{"search", "my policy"}})) == std::vector<std::string>{"P1"});
  CHECK(Ids(Browse(*store, {{"search", "ignored"}})).empty());  // in the config, not in its label
  CHECK(Ids(Browse(*store, {{"search", "D"}})) == std::vector<std::string>{"D1", "D2", "D3"});
  // Filtered pages page too.
  const Json filtered = Browse(*store, {{"status", "settled"}, {"limit", "1"}});
  CHECK(Ids(Browse(*store, {{"status", "settled"}, {"limit", "1"}, {"marker", filtered["next_marker"]}})) ==
        std::vector<std::string>{"D1"});
}

TEST_CASE("resource browser: a summary has what a person looks at") {
  auto store = Seeded();
  const Json page = Browse(*store, {{"kind", "cache-policy"}});
  const Json& policy = page["resources"][0];
  CHECK(policy["label"] == "my policy");  // Name before Comment
  CHECK(policy["tags"] == Json::parse(R"([{"Key":"env","Value":"test"}])"));
  CHECK(policy["etag"] == "E1");
  CHECK(policy["status"] == "Deployed");
  const Json d2 = Browse(*store, {{"search", "D2"}})["resources"][0];
  CHECK(d2["status"] == "InProgress");
  CHECK(d2["settled"] == false);
  CHECK(d2["settled_status"] == "Deployed");
  CHECK(d2["settles_at_ms"] == kNow + 5000);
}

TEST_CASE("resource browser: bad queries are 400s naming the parameter") {
  auto store = Seeded();
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"limit", "0"}, {"limit", "501"}, {"limit", "ten"}, {"marker", "D1"}, {"marker", "a/b/"},
           {"account", "42"}, {"status", "Deployed"}, {"order", "id"}}) {
    auto page = BrowseResources(*store, {{name, value}}, kNow);
    REQUIRE_FALSE(page.ok());
    CHECK(page.error().status == 400);
    CHECK(page.error().message.find(name) != std::string::npos);
  }
}

TEST_CASE("resource browser: one resource with its config as JSON and XML") {
  auto store = Seeded();
  auto found = DescribeResource(*store, "P1", {}, kNow);
  REQUIRE(found.ok());
  CHECK(found.value()["kind"] == "cache-policy");
  CHECK(found.value()["config_root"] == "CachePolicyConfig");
  const std::string xml = found.value()["config_xml"];
  CHECK(xml.find("<CachePolicyConfig xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\">") !=
        std::string::npos);
  CHECK(xml.find("<Name>my policy</Name>") != std::string::npos);
  CHECK(DescribeResource(*store, "nope", {}, kNow).error().status == 404);
  CHECK(DescribeResource(*store, "P1", {{"account", kOtherAccount}}, kNow).error().status == 404);

  Inserted(*store, MakeRecord("D1", {"caller:x"}, {}, "distribution", kOtherAccount));
  CHECK(DescribeResource(*store, "D1", {}, kNow).error().status == 409);
  CHECK(DescribeResource(*store, "D1", {{"account", kOtherAccount}}, kNow).ok());
}

TEST_CASE("resource browser: config shapes come from the model, for every kind the families store") {
  CHECK(ConfigShapeName("distribution") == "DistributionConfig");
  CHECK(ConfigShapeName("streaming-distribution") == "StreamingDistributionConfig");
  CHECK(ConfigShapeName("invalidation") == "InvalidationBatch");
  CHECK(ConfigShapeName("origin-access-identity") == "CloudFrontOriginAccessIdentityConfig");
  CHECK(ConfigShapeName("origin-access-control") == "OriginAccessControlConfig");
  CHECK(ConfigShapeName("response-headers-policy") == "ResponseHeadersPolicyConfig");
  CHECK(ConfigShapeName("key-group") == "KeyGroupConfig");
  CHECK(ConfigShapeName("public-key") == "PublicKeyConfig");
  CHECK(ConfigShapeName("no-such-kind") == "");
}

TEST_CASE("resource browser: accounts and kinds as the store holds them, the default account always") {
  auto store = Seeded();
  const Json accounts = AccountsJson(*store, "999999999999").value();
  REQUIRE(accounts["accounts"].size() == 3);
  CHECK(accounts["accounts"][0]["account"] == kAccount);
  CHECK(accounts["accounts"][0]["resources"] == Json::parse(R"({"cache-policy":1,"distribution":3})"));
  CHECK(accounts["accounts"][0]["total"] == 4);
  CHECK(accounts["accounts"][2]["account"] == "999999999999");
  CHECK(accounts["accounts"][2]["default"] == true);
  CHECK(accounts["accounts"][2]["total"] == 0);
  CHECK(accounts["kinds"] == Json::parse(R"([{"kind":"cache-policy","count":1},{"kind":"distribution","count":4}])"));
}

TEST_CASE("dashboard files: the page and what it loads are embedded") {
  const auto* page = FindDashboardFile("index.html");
  REQUIRE(page != nullptr);
  CHECK(page->content_type == "text/html; charset=utf-8");
  CHECK(page->content.starts_with("<!doctype html>"));
  for (const char* name : {"dashboard.js", "dashboard.css"}) {
    const auto* file = FindDashboardFile(name);
    REQUIRE(file != nullptr);
    CHECK(!file->content.empty());
    CHECK(page->content.find(std::string("/_emulator/ui/") + name) != std::string_view::npos);
  }
  CHECK(FindDashboardFile("../CMakeLists.txt") == nullptr);
}

TEST_CASE("request journal: sequences grow, survive clearing, and 'after' returns only newer calls") {
  RequestJournal journal(3);
  for (const char* operation : {"A", "B", "C", "D"}) {
    api::CallRecord call;
    call.operation = operation;
    journal.Record(call);
  }
  CHECK(journal.last_sequence() == 4);
  JournalFilter after_two;
  after_two.after = 2;
  const auto newer = journal.Recent(after_two);
  REQUIRE(newer.size() == 2);
  CHECK(newer[0].operation == "D");
  CHECK(newer[0].sequence == 4);
  CHECK(newer[1].sequence == 3);
  journal.Clear();
  api::CallRecord call;
  call.operation = "E";
  journal.Record(call);
  JournalFilter after_four;
  after_four.after = 4;
  REQUIRE(journal.Recent(after_four).size() == 1);
  CHECK(journal.Recent(after_four)[0].sequence == 5);
  CHECK(CallJson(journal.Recent({})[0])["sequence"] == 5);
  CHECK_FALSE(ParseJournalFilter({{"after", "x"}}).ok());
  CHECK(ParseJournalFilter({{"after", "7"}}).value().after == 7);
}

}  // namespace
}  // namespace cfl::control
