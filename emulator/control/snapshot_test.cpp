#include "emulator/control/snapshot.h"

#include <doctest/doctest.h>

#include <functional>

#include "emulator/engine/references.h"
#include "emulator/engine/registry.h"
#include "emulator/engine/resources.h"

namespace cfl::control {
namespace {

constexpr const char* kCachingOptimized = "658327ea-f89d-4fab-a63d-7e88639e58f6";

// A DistributionConfig as the engine stores one (only the required members
// and an alias), naming origin access identity E3.
Json DistributionConfig(const std::string& caller_reference) {
  return {{"CallerReference", caller_reference},
          {"Comment", "c"},
          {"Enabled", true},
          {"Aliases", {{"Quantity", 1}, {"Items", {"www.example.com"}}}},
          {"Origins",
           {{"Quantity", 1},
            {"Items",
             {{{"Id", "o"},
               {"DomainName", "b.s3.amazonaws.com"},
               {"S3OriginConfig", {{"OriginAccessIdentity", "origin-access-identity/cloudfront/E3"}}}}}}}},
          {"DefaultCacheBehavior",
           {{"TargetOriginId", "o"}, {"ViewerProtocolPolicy", "allow-all"}, {"CachePolicyId", kCachingOptimized}}}};
}

store::Record OriginAccessIdentity() {
  store::Record record;
  record.account = "111111111111";
  record.kind = "origin-access-identity";
  record.id = "E3";
  record.etag = "E3ETAG";
  record.document = R"({"CallerReference":"oai","Comment":"for E1"})";
  record.metadata = R"({"S3CanonicalUserId":"abc"})";
  record.unique_keys = {"caller:oai"};
  record.created_ms = record.modified_ms = record.settles_at_ms = 1'600'000'000'000;
  record.sequence = 1;
  return record;
}

store::Record Sample() {
  store::Record record;
  record.account = "111111111111";
  record.kind = "distribution";
  record.id = "E1EXAMPLE";
  record.etag = "E2ETAG";
  const Json config = DistributionConfig("ref");
  record.document = config.dump();
  record.metadata = R"({"DomainName":"d1.cloudfront.net","Tags":[{"Key":"k","Value":"v"}]})";
  record.unique_keys = engine::UniqueKeysOf(engine::Registry::Get().FindFamily("distribution")->family, config, "");
  record.references = engine::ReferencesOf("distribution", config).value().all;
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

// The refusal, the same whether the snapshot is read as a value or as text.
std::string Refusal(const Json& snapshot) {
  auto parsed = ParseSnapshot(snapshot);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().status == 400);
  auto read = ReadSnapshot(snapshot.dump());
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().message == parsed.error().message);
  return parsed.error().message;
}

TEST_CASE("a snapshot round trip gives back the same records, through text too") {
  store::Record child = Sample();
  child.kind = "invalidation";
  child.id = "I1";
  child.parent = "E1EXAMPLE";
  child.document = R"({"CallerReference":"inv","Paths":{"Items":["/x"],"Quantity":1}})";
  child.metadata = "{}";
  child.unique_keys = {"caller:E1EXAMPLE/inv"};
  child.references = {};
  const Json exported = ExportSnapshot({Sample(), child, OriginAccessIdentity()}, 1'700'000'030'000);
  CHECK(exported["format"] == "cloudfront-local/state");
  CHECK(exported["resources"][0]["status"] == "InProgress");
  CHECK(exported["resources"][1]["status"] == "InProgress");
  CHECK(exported["resources"][0]["config"]["Comment"] == "c");
  CHECK(exported["resources"][0]["modified"] == "2023-11-14T22:13:20.500Z");

  auto parsed = ReadSnapshot(exported.dump());
  REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? "" : parsed.error().message));
  REQUIRE(parsed->size() == 3);
  CHECK(Same(parsed->at(0), Sample()));
  CHECK(Same(parsed->at(1), child));
  CHECK(Same(parsed->at(2), OriginAccessIdentity()));
}

TEST_CASE("status is derived from the settling time") {
  store::Record record = Sample();
  CHECK(DerivedStatus(record, record.settles_at_ms - 1) == "InProgress");
  CHECK(DerivedStatus(record, record.settles_at_ms) == "Deployed");
  record.kind = "invalidation";
  CHECK(DerivedStatus(record, record.settles_at_ms) == "Completed");
}

TEST_CASE("a bad snapshot is refused saying where") {
  const Json good = ExportSnapshot({Sample(), OriginAccessIdentity()}, 0);
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

TEST_CASE("optional snapshot members take their defaults; keys and references come from the config") {
  Json config = DistributionConfig("ref");
  config["Origins"]["Items"][0]["S3OriginConfig"]["OriginAccessIdentity"] = "";
  Json resource = {{"account", "111111111111"}, {"kind", "distribution"}, {"id", "E1"}, {"etag", "E2"},
                   {"config", config}, {"created_ms", 1}, {"modified_ms", 2}, {"settles_at_ms", 3}};
  auto parsed = ParseSnapshot({{"resources", {resource}}});
  REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? "" : parsed.error().message));
  const auto& record = parsed->at(0);
  CHECK(record.metadata == "{}");
  CHECK(record.parent.empty());
  CHECK(record.unique_keys == engine::UniqueKeysOf(engine::Registry::Get().FindFamily("distribution")->family, config, ""));
  CHECK(record.references == std::vector<std::string>{std::string("cache-policy:") + kCachingOptimized});
  CHECK(record.sequence == 0);
}

// Each of these was imported as given and broke later calls (issue 11).
TEST_CASE("well-typed nonsense is refused like API input, naming the record") {
  const Json good = ExportSnapshot({Sample(), OriginAccessIdentity()}, 0);
  const auto refused = [&](const std::function<void(Json&)>& change) {
    Json snapshot = good;
    change(snapshot["resources"][0]);
    return Refusal(snapshot);
  };
  CHECK(refused([](Json& r) { r["kind"] = "spaceship"; }).starts_with("resources[0].kind \"spaceship\" is not"));
  // A config of the wrong shape was served back as-is; the get-config → update round trip then failed.
  CHECK(refused([](Json& r) { r["config"] = Json::object(); }).find("not a valid DistributionConfig") !=
        std::string::npos);
  CHECK(refused([](Json& r) { r["config"]["Enabled"] = "yes"; }) ==
        "resources[0].config.Enabled must be true or false");
  CHECK(refused([](Json& r) { r["config"]["Colour"] = "red"; }) ==
        "resources[0].config.Colour is not a member of DistributionConfig");
  CHECK(refused([](Json& r) { r["config"]["Origins"]["Quantity"] = 2; }).find("Quantity") != std::string::npos);
  // "Tags": 5 made TagResource answer 500.
  CHECK(refused([](Json& r) { r["metadata"]["Tags"] = 5; }).find("metadata.Tags must be an array") !=
        std::string::npos);
  CHECK(refused([](Json& r) { r["metadata"]["Tags"] = Json::array({{{"Value", "v"}}}); }).find("Tags[0].key") !=
        std::string::npos);
  CHECK(refused([](Json& r) { r["metadata"]["Owner"] = 5; }) == "resources[0].metadata.Owner must be a string");
  // Sequence 2^63-1 made every later create answer 500 until a reset.
  CHECK(refused([](Json& r) { r["sequence"] = INT64_MAX; }).find("sequence must be at most") != std::string::npos);
  // INT64_MAX timestamps were rendered as year -6911.
  CHECK(refused([](Json& r) { r["modified_ms"] = INT64_MAX; }).find("9999-12-31") != std::string::npos);
  CHECK(refused([](Json& r) { r["created_ms"] = 5, r["modified_ms"] = 4; }).find("before created_ms") !=
        std::string::npos);
  CHECK(refused([](Json& r) { r["unique_keys"] = Json::array({"caller:other"}); }).find("unique_keys") !=
        std::string::npos);
  CHECK(refused([](Json& r) { r["references"] = Json::array(); }).find("references") != std::string::npos);
  CHECK(refused([](Json& r) { r["parent"] = "E9"; }).find("parent must be empty") != std::string::npos);
}

TEST_CASE("what a record points at must be in the snapshot, or managed") {
  // The distribution names origin access identity E3: without it, refused.
  std::string message = Refusal(ExportSnapshot({Sample()}, 0));
  CHECK(message == "resources[0].references: origin-access-identity:E3 names no origin-access-identity of account 111111111111 in "
                   "the snapshot");
  store::Record other_account = OriginAccessIdentity();
  other_account.account = "222222222222";
  CHECK(Refusal(ExportSnapshot({Sample(), other_account}, 0)).find("origin-access-identity:E3") != std::string::npos);
  // An invalidation without its distribution.
  store::Record orphan;
  orphan.account = "111111111111";
  orphan.kind = "invalidation";
  orphan.id = "I1";
  orphan.parent = "E404";
  orphan.etag = "X";
  orphan.document = R"({"CallerReference":"inv","Paths":{"Items":["/x"],"Quantity":1}})";
  orphan.metadata = "{}";
  orphan.unique_keys = {"caller:E404/inv"};
  message = Refusal(ExportSnapshot({orphan}, 0));
  CHECK(message == "resources[0].parent E404 is no distribution of account 111111111111 in the snapshot");
}

TEST_CASE("snapshot text is read record by record, as deep and as strict as any control body") {
  CHECK(ReadSnapshot("{\"resources\":" + std::string(100'000, '[')).error().message ==
        "the snapshot is nested deeper than 64 levels");
  CHECK(ReadSnapshot("{\"resources\": [").error().message == "the snapshot is not valid JSON");
  CHECK(ReadSnapshot("[]").error().message == "a snapshot is a JSON object");
  CHECK(ReadSnapshot("5").error().message == "a snapshot is a JSON object");
  CHECK(ReadSnapshot("{}").error().message == "a snapshot needs \"resources\": an array");
  CHECK(ReadSnapshot("{\"resources\": {}}").error().message == "a snapshot needs \"resources\": an array");
  CHECK(ReadSnapshot("{\"resources\": 5}").error().message == "a snapshot needs \"resources\": an array");
  CHECK(ReadSnapshot("{\"resources\": [5]}").error().message == "resources[0] must be an object");
  CHECK(ReadSnapshot("{\"resources\": [], \"resources\": []}").error().message ==
        "a snapshot has one \"resources\"");
  CHECK(ReadSnapshot("{\"resources\": [], \"format\": {\"a\": [1]}}").error().message.find("format") !=
        std::string::npos);
  CHECK(ReadSnapshot("{\"resources\": []}").value().empty());
}

}  // namespace
}  // namespace cfl::control
