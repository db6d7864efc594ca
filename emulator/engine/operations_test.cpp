#include "emulator/engine/operations.h"

#include <doctest/doctest.h>

#include "emulator/codec/xml_codec.h"
#include "emulator/engine/handler_test_fixture.h"

namespace cfl::engine {
namespace {

// Get and List answer each version's encoded view from a cache; these cases
// change everything that view depends on and expect the change to show.
using Fixture = HandlerTestFixture;

Json DistributionConfig(const std::string& caller_reference, const std::string& comment = "first") {
  return MinimalDistributionConfig(caller_reference, true, comment);
}

struct Created {
  std::string id;
  std::string etag;
};

Created CreateDistribution(Fixture& f, const std::string& caller_reference) {
  auto created = f.Call("CreateDistribution", {{"DistributionConfig", DistributionConfig(caller_reference)}});
  REQUIRE(created.ok());
  return {created.value()["Distribution"]["Id"], created.value()["ETag"]};
}

Json Get(Fixture& f, const std::string& id) {
  auto got = f.Call("GetDistribution", {{"Id", id}});
  REQUIRE(got.ok());
  return got.value();
}

Json FirstSummary(Fixture& f) {
  auto listed = f.Call("ListDistributions", Json::object());
  REQUIRE(listed.ok());
  return listed.value()["DistributionList"]["Items"][0];
}

TEST_CASE("Get and List show the settling of an unchanged version") {
  Fixture f;
  const auto created = CreateDistribution(f, "a");
  CHECK(Get(f, created.id)["Distribution"]["Status"] == "InProgress");
  CHECK(FirstSummary(f)["Status"] == "InProgress");
  f.clock.Advance(std::chrono::milliseconds(5000));
  const Json got = Get(f, created.id);
  CHECK(got["ETag"] == created.etag);
  CHECK(got["Distribution"]["Status"] == "Deployed");
  CHECK(FirstSummary(f)["Status"] == "Deployed");
}

TEST_CASE("Get and List show a new version at once") {
  Fixture f;
  const auto created = CreateDistribution(f, "a");
  CHECK(Get(f, created.id)["Distribution"]["DistributionConfig"]["Comment"] == "first");
  CHECK(FirstSummary(f)["Comment"] == "first");
  auto updated = f.Call(
      "UpdateDistribution",
      {{"Id", created.id}, {"IfMatch", created.etag}, {"DistributionConfig", DistributionConfig("a", "second")}});
  REQUIRE(updated.ok());
  const Json got = Get(f, created.id);
  CHECK(got["ETag"] == updated.value()["ETag"]);
  CHECK(got["Distribution"]["DistributionConfig"]["Comment"] == "second");
  CHECK(FirstSummary(f)["Comment"] == "second");
}

TEST_CASE("a list page shows settling by the control plane, deletes and other accounts at once") {
  Fixture f;
  const auto created = CreateDistribution(f, "a");
  CHECK(FirstSummary(f)["Status"] == "InProgress");
  CHECK(std::get<std::int64_t>(f.store->SettleAll(f.Context().now_ms, std::nullopt, std::nullopt)) == 1);
  CHECK(FirstSummary(f)["Status"] == "Deployed");

  auto other = f.Call("ListDistributions", Json::object(), "222222222222");
  REQUIRE(other.ok());
  CHECK(other.value()["DistributionList"]["Quantity"] == 0);

  auto disabled = DistributionConfig("a");
  disabled["Enabled"] = false;
  auto updated =
      f.Call("UpdateDistribution", {{"Id", created.id}, {"IfMatch", created.etag}, {"DistributionConfig", disabled}});
  REQUIRE(updated.ok());
  CHECK(FirstSummary(f)["Enabled"] == false);
  f.clock.Advance(std::chrono::milliseconds(5000));
  REQUIRE(f.Call("DeleteDistribution", {{"Id", created.id}, {"IfMatch", updated.value()["ETag"]}}).ok());
  auto listed = f.Call("ListDistributions", Json::object());
  REQUIRE(listed.ok());
  CHECK(listed.value()["DistributionList"]["Quantity"] == 0);
}

TEST_CASE("list pages are kept under the input's exact bytes, whatever they are") {
  Fixture f;
  CreateDistribution(f, "a");
  CreateDistribution(f, "b");
  const std::string odd_marker = std::string("\xff") + '\0' + "MaxItems=1";
  auto odd = f.Call("ListDistributions", {{"Marker", odd_marker}});  // not UTF-8, holds a NUL
  REQUIRE(odd.ok());
  auto one = f.Call("ListDistributions", {{"Marker", std::string("\xff")}, {"MaxItems", "1"}});
  REQUIRE(one.ok());
  CHECK(one.value()["DistributionList"]["MaxItems"] == 1);
  CHECK(odd.value()["DistributionList"]["MaxItems"] == 100);
}

TEST_CASE("GetDistribution counts in-progress invalidations as they start and finish") {
  Fixture f;
  f.settings.invalidation_delay_ms = 3000;
  const auto created = CreateDistribution(f, "a");
  CHECK(Get(f, created.id)["Distribution"]["InProgressInvalidationBatches"] == 0);
  const Json batch = {{"CallerReference", "i"}, {"Paths", {{"Quantity", 1}, {"Items", {"/*"}}}}};
  auto invalidation = f.Call("CreateInvalidation", {{"DistributionId", created.id}, {"InvalidationBatch", batch}});
  REQUIRE(invalidation.ok());
  CHECK(Get(f, created.id)["Distribution"]["InProgressInvalidationBatches"] == 1);
  f.clock.Advance(std::chrono::milliseconds(3000));
  CHECK(Get(f, created.id)["Distribution"]["InProgressInvalidationBatches"] == 0);
}

TEST_CASE("a snapshot that brings other content under a known etag is answered as loaded") {
  Fixture f;
  const auto created = CreateDistribution(f, "a");
  CHECK(Get(f, created.id)["Distribution"]["DistributionConfig"]["Comment"] == "first");
  CHECK(FirstSummary(f)["Comment"] == "first");
  auto records = std::get<std::vector<store::Record>>(f.store->All());
  REQUIRE(records.size() == 1);
  Json document = Json::parse(records[0].document);
  document["Comment"] = "restored";
  records[0].document = document.dump();
  REQUIRE(std::holds_alternative<std::int64_t>(f.store->ReplaceAll(records)));
  const Json got = Get(f, created.id);
  CHECK(got["ETag"] == created.etag);
  CHECK(got["Distribution"]["DistributionConfig"]["Comment"] == "restored");
  CHECK(FirstSummary(f)["Comment"] == "restored");
}

TEST_CASE("the same id in two accounts answers each its own") {
  Fixture f;
  const auto created = CreateDistribution(f, "a");
  auto records = std::get<std::vector<store::Record>>(f.store->All());
  REQUIRE(records.size() == 1);
  records.push_back(records[0]);
  records[1].account = "222222222222";
  records[1].sequence = 0;
  REQUIRE(std::holds_alternative<std::int64_t>(f.store->ReplaceAll(records)));
  auto mine = f.Call("GetDistribution", {{"Id", created.id}});
  auto theirs = f.Call("GetDistribution", {{"Id", created.id}}, "222222222222");
  REQUIRE(mine.ok());
  REQUIRE(theirs.ok());
  CHECK(mine.value()["Distribution"]["ARN"] == "arn:aws:cloudfront::111111111111:distribution/" + created.id);
  CHECK(theirs.value()["Distribution"]["ARN"] == "arn:aws:cloudfront::222222222222:distribution/" + created.id);
}

TEST_CASE("create and update know where their XML answer carries the config") {
  const auto distribution_config = model::FindShape("DistributionConfig");
  REQUIRE(distribution_config);
  CHECK(MembersOf("CreateDistribution").answer_config_shape == *distribution_config);
  CHECK(MembersOf("UpdateDistribution").answer_config_shape == *distribution_config);
  // The config inside the payload beside Tags.
  CHECK(MembersOf("CreateDistributionWithTags").answer_config_shape == *distribution_config);
  // A KeyValueStore's answer has no member of its input's shape; a rest-json answer is never pre-encoded.
  CHECK(MembersOf("CreateKeyValueStore").answer_config_shape == model::kNoShape);
  CHECK(MembersOf("PutKey", model::ServiceId::kCloudFrontKeyValueStore).answer_config_shape == model::kNoShape);
}

TEST_CASE("create and update answer the stored config's kept encoding, which reads back as the config") {
  Fixture f;
  auto ctx = f.Context();
  auto created = f.handlers.At("CreateDistribution")(ctx, {{"DistributionConfig", DistributionConfig("kept")}});
  REQUIRE(created.ok());
  CHECK(created.value()["Distribution"]["DistributionConfig"].is_binary());  // not a copy of the tree
  auto decoded = model::DecodePreEncoded(created.value(), model::FindOperation("CreateDistribution")->output);
  REQUIRE(decoded.ok());
  const Json& config = decoded.value()["Distribution"]["DistributionConfig"];
  CHECK(config["CallerReference"] == "kept");
  CHECK(config["Comment"] == "first");
  CHECK(config["PriceClass"] == "PriceClass_All");  // with the defaults the store holds

  const Json update = {{"Id", decoded.value()["Distribution"]["Id"]},
                       {"IfMatch", created.value()["ETag"]},
                       {"DistributionConfig", DistributionConfig("kept", "second")}};
  auto updated = f.handlers.At("UpdateDistribution")(ctx, update);
  REQUIRE(updated.ok());
  CHECK(updated.value()["Distribution"]["DistributionConfig"].is_binary());
  auto read_back = model::DecodePreEncoded(updated.value(), model::FindOperation("UpdateDistribution")->output);
  REQUIRE(read_back.ok());
  CHECK(read_back.value()["Distribution"]["DistributionConfig"]["Comment"] == "second");
}

}  // namespace
}  // namespace cfl::engine
