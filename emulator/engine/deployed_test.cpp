#include "emulator/engine/deployed.h"

#include <doctest/doctest.h>

#include "emulator/engine/handler_test_fixture.h"

namespace cfl::engine {

// Updates a distribution to a config that differs by its comment, following its ETag.
class CommentUpdater {
 public:
  CommentUpdater(HandlerTestFixture& fixture, std::string id, std::string etag)
      : fixture_(fixture), id_(std::move(id)), etag_(std::move(etag)) {}

  void operator()(const std::string& comment) {
    auto updated = fixture_.Call("UpdateDistribution", {{"Id", id_},
                                                        {"IfMatch", etag_},
                                                        {"DistributionConfig",
                                                         MinimalDistributionConfig("d", true, comment)}});
    REQUIRE(updated);
    etag_ = updated.value()["ETag"];
  }

 private:
  HandlerTestFixture& fixture_;
  std::string id_;
  std::string etag_;
};

TEST_CASE_FIXTURE(HandlerTestFixture, "deployed config: an update keeps the deployed one until it settles") {
  const auto created = Call("CreateDistribution", {{"DistributionConfig", MinimalDistributionConfig("d", true, "v1")}});
  REQUIRE(created);
  const std::string id = created.value()["Distribution"]["Id"];
  const auto deployed_comment = [&] {
    const auto record = store->Get("111111111111", "distribution", id);
    const Json metadata = Json::parse(record->metadata);
    const std::string* document = DeployedDocument(*record, metadata, ToMillis(clock.Now()));
    return document ? Json::parse(*document).value("Comment", "?") : std::string("none");
  };
  CHECK(deployed_comment() == "none");
  clock.Advance(std::chrono::seconds(5));
  CHECK(deployed_comment() == "v1");

  CommentUpdater update(*this, id, created.value()["ETag"]);
  update("v2");
  CHECK(deployed_comment() == "v1");
  update("v3");  // while v2 still propagates: v1 is what serves
  CHECK(deployed_comment() == "v1");
  clock.Advance(std::chrono::seconds(5));
  CHECK(deployed_comment() == "v3");
  update("v4");
  CHECK(deployed_comment() == "v3");
}

TEST_CASE_FIXTURE(HandlerTestFixture, "deployed config: a version deployed on being written keeps no other") {
  settings.propagation_delay_ms = 0;
  const auto created = Call("CreateDistribution", {{"DistributionConfig", MinimalDistributionConfig("d", true, "v1")}});
  REQUIRE(created);
  const std::string id = created.value()["Distribution"]["Id"];
  const auto metadata = [&] { return Json::parse(store->Get("111111111111", "distribution", id)->metadata); };
  CommentUpdater update(*this, id, created.value()["ETag"]);
  update("v2");
  CHECK_FALSE(metadata().contains(kDeployedConfigMember));
  settings.propagation_delay_ms = 5000;
  update("v3");  // propagating: v2 is kept for viewers
  CHECK(Json::parse(metadata()[kDeployedConfigMember].get<std::string>())["Comment"] == "v2");
  settings.propagation_delay_ms = 0;
  update("v4");  // deployed at once: the kept v2 goes
  CHECK_FALSE(metadata().contains(kDeployedConfigMember));
  CHECK_FALSE(metadata().contains(kDeployedUntilMember));
  CHECK(metadata().contains("DomainName"));
}

TEST_CASE("deployed config: a renewal (a newer version than the kept one's) serves its own config") {
  store::Record record;
  record.etag = "E2";
  record.document = R"({"Comment":"own"})";
  record.settles_at_ms = 100;
  const Json metadata = {{kDeployedConfigMember, R"({"Comment":"kept"})"}, {kDeployedUntilMember, "E1"}};
  CHECK(*DeployedDocument(record, metadata, 50) == record.document);
  const Json current = {{kDeployedConfigMember, R"({"Comment":"kept"})"}, {kDeployedUntilMember, "E2"}};
  CHECK(*DeployedDocument(record, current, 50) == R"({"Comment":"kept"})");
  CHECK(*DeployedDocument(record, current, 100) == record.document);
}

TEST_CASE("deployed config: a renewal of a never-updated record serves it once its creation had settled") {
  store::Record record;
  record.etag = "E2";
  record.document = R"({"Comment":"own"})";
  record.created_ms = 1000;
  const Json no_metadata = Json::object();
  // Created at 1000 with a delay of 600, renewed at 1700 (settles at 2300): deployed since 1600.
  record.modified_ms = 1700;
  record.settles_at_ms = 2300;
  REQUIRE(DeployedDocument(record, no_metadata, 1800) != nullptr);
  CHECK(*DeployedDocument(record, no_metadata, 1800) == record.document);
  // Renewed at 1100, before its creation settled (1600): nothing deployed until this settles.
  record.modified_ms = 1100;
  record.settles_at_ms = 1700;
  CHECK(DeployedDocument(record, no_metadata, 1200) == nullptr);
  // Created, not settled, never changed.
  record.modified_ms = 1000;
  record.settles_at_ms = 1600;
  CHECK(DeployedDocument(record, no_metadata, 1200) == nullptr);
}

}  // namespace cfl::engine
