#include "emulator/control/snapshot.h"

#include <doctest/doctest.h>

namespace cfl::control {
namespace {

store::Record Sample() {
  store::Record record;
  record.account = "111111111111";
  record.kind = "distribution";
  record.id = "E1EXAMPLE";
  record.etag = "E2ETAG";
  record.document = R"({"CallerReference":"ref","Comment":"c","Enabled":true,"Ratio":0.1})";
  record.metadata = R"({"DomainName":"d1.cloudfront.net","Tags":[{"Key":"k","Value":"v"}]})";
  record.unique_keys = {"caller:ref", "alias:www.example.com"};
  record.references = {"oai:E3"};
  record.created_ms = 1'700'000'000'000;
  record.modified_ms = 1'700'000'000'500;
  record.settles_at_ms = 1'700'000'060'500;
  record.sequence = 7;
  return record;
}

bool Same(const store::Record& a, const store::Record& b) {
  return a.account == b.account && a.kind == b.kind && a.id == b.id && a.parent == b.parent && a.etag == b.etag &&
         a.document == b.document && a.metadata == b.metadata && a.unique_keys == b.unique_keys &&
         a.references == b.references && a.created_ms == b.created_ms && a.modified_ms == b.modified_ms &&
         a.settles_at_ms == b.settles_at_ms && a.sequence == b.sequence;
}

std::string Refusal(const Json& snapshot) {
  auto parsed = ParseSnapshot(snapshot);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().status == 400);
  return parsed.error().message;
}

TEST_CASE("a snapshot round trip gives back the same records, through text too") {
  store::Record child = Sample();
  child.kind = "invalidation";
  child.id = "I1";
  child.parent = "E1EXAMPLE";
  child.unique_keys = {};
  const Json exported = ExportSnapshot({Sample(), child}, 1'700'000'030'000);
  CHECK(exported["format"] == "cloudfront-local/state");
  CHECK(exported["resources"][0]["status"] == "InProgress");
  CHECK(exported["resources"][1]["status"] == "InProgress");
  CHECK(exported["resources"][0]["config"]["Comment"] == "c");
  CHECK(exported["resources"][0]["modified"] == "2023-11-14T22:13:20.500Z");

  auto parsed = ParseSnapshot(Json::parse(exported.dump()));
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 2);
  CHECK(Same(parsed->at(0), Sample()));
  CHECK(Same(parsed->at(1), child));
}

TEST_CASE("status is derived from the settling time") {
  store::Record record = Sample();
  CHECK(DerivedStatus(record, record.settles_at_ms - 1) == "InProgress");
  CHECK(DerivedStatus(record, record.settles_at_ms) == "Deployed");
  record.kind = "invalidation";
  CHECK(DerivedStatus(record, record.settles_at_ms) == "Completed");
}

TEST_CASE("a bad snapshot is refused saying where") {
  const Json good = ExportSnapshot({Sample()}, 0);
  CHECK(ParseSnapshot(good).ok());
  CHECK(Refusal(Json::array()).find("object") != std::string::npos);
  CHECK(Refusal({{"format", "cloudfront-local/state"}}).find("resources") != std::string::npos);
  CHECK(Refusal({{"resources", Json::array()}, {"version", 9}}).find("version") != std::string::npos);
  CHECK(Refusal({{"resources", Json::array()}, {"extra", 1}}).find("extra") != std::string::npos);

  const auto broken = [&](const char* member, Json value) {
    Json snapshot = good;
    if (value.is_null()) {
      snapshot["resources"][0].erase(member);
    } else {
      snapshot["resources"][0][member] = std::move(value);
    }
    return Refusal(snapshot);
  };
  CHECK(broken("etag", "") == "resources[0].etag must be a non-empty string");
  CHECK(broken("id", nullptr) == "resources[0].id is required");
  CHECK(broken("account", "1234") == "resources[0].account must be a 12-digit account id");
  CHECK(broken("config", "text") == "resources[0].config must be an object");
  CHECK(broken("references", Json::array({1})) == "resources[0].references must be an array of strings");
  CHECK(broken("settles_at_ms", -1) == "resources[0].settles_at_ms must be a non-negative integer");
  CHECK(broken("created_ms", 1.5) == "resources[0].created_ms must be a non-negative integer");
  CHECK(broken("status", 3) == "resources[0].status must be a string");
  CHECK(broken("colour", "red").find("colour") != std::string::npos);
}

TEST_CASE("optional snapshot members take their defaults") {
  Json resource = {{"account", "111111111111"}, {"kind", "distribution"}, {"id", "E1"}, {"etag", "E2"},
                   {"config", Json::object()}, {"created_ms", 1}, {"modified_ms", 2}, {"settles_at_ms", 3}};
  auto parsed = ParseSnapshot({{"resources", {resource}}});
  REQUIRE(parsed.ok());
  const auto& record = parsed->at(0);
  CHECK(record.metadata == "{}");
  CHECK(record.parent.empty());
  CHECK(record.unique_keys.empty());
  CHECK(record.sequence == 0);
}

}  // namespace
}  // namespace cfl::control
