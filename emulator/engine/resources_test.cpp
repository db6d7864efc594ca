#include "emulator/engine/resources.h"

#include <doctest/doctest.h>

#include "emulator/engine/handler_test_fixture.h"

namespace cfl::engine {
namespace {

const Family& DistributionFamily() { return FamilyOf("distribution"); }

// An in-memory store, a clock that moves only when told, and one account.
using Fixture = HandlerTestFixture;

Json DistributionConfig(const std::string& caller_reference, bool enabled = true) {
  return MinimalDistributionConfig(caller_reference, enabled);
}

TEST_CASE("create fills defaults, settles by the clock, and keeps its etag when deployed") {
  Fixture f;
  auto ctx = f.Context();
  auto created = CreateResource(ctx, DistributionFamily(), DistributionConfig("a"));
  REQUIRE(created.ok());
  CHECK(created->config()["PriceClass"] == "PriceClass_All");
  CHECK(created->config()["Origins"]["Items"][0]["ConnectionAttempts"] == 3);
  CHECK(DeployStatus(ctx, created.value()) == "InProgress");
  const std::string etag = created->etag();

  f.clock.Advance(std::chrono::milliseconds(5000));
  auto later = f.Context();
  auto loaded = LoadResource(later, DistributionFamily(), created->id());
  REQUIRE(loaded.ok());
  CHECK(DeployStatus(later, loaded.value()) == "Deployed");
  CHECK(loaded->etag() == etag);
}

TEST_CASE("update needs the current If-Match, rotates the etag, and failures change nothing") {
  Fixture f;
  auto ctx = f.Context();
  auto created = CreateResource(ctx, DistributionFamily(), DistributionConfig("a"));
  REQUIRE(created.ok());
  const std::string id = created->id();
  const std::string etag = created->etag();

  CHECK(UpdateResource(ctx, DistributionFamily(), id, Json(), DistributionConfig("a")).error().code ==
        "InvalidIfMatchVersion");
  CHECK(UpdateResource(ctx, DistributionFamily(), id, "", DistributionConfig("a")).error().code ==
        "InvalidIfMatchVersion");
  CHECK(UpdateResource(ctx, DistributionFamily(), id, "ESTALE", DistributionConfig("a")).error().code ==
        "PreconditionFailed");
  CHECK(UpdateResource(ctx, DistributionFamily(), id, etag, DistributionConfig("b")).error().code == "IllegalUpdate");
  CHECK(UpdateResource(ctx, DistributionFamily(), "ENOPE", etag, DistributionConfig("a")).error().code ==
        "NoSuchDistribution");
  CHECK(LoadResource(ctx, DistributionFamily(), id)->etag() == etag);

  auto updated = UpdateResource(ctx, DistributionFamily(), id, etag, DistributionConfig("a", false));
  REQUIRE(updated.ok());
  CHECK(updated->etag() != etag);
  CHECK(updated->config()["Enabled"] == false);
}

TEST_CASE("delete needs disabled and deployed, then the current etag") {
  Fixture f;
  auto ctx = f.Context();
  const auto& family = DistributionFamily();
  auto created = CreateResource(ctx, family, DistributionConfig("a"));
  REQUIRE(created.ok());
  CHECK(DeleteResource(ctx, family, created->id(), created->etag()).error().code == "DistributionNotDisabled");

  auto updated = UpdateResource(ctx, family, created->id(), created->etag(), DistributionConfig("a", false));
  REQUIRE(updated.ok());
  CHECK(DeleteResource(ctx, family, created->id(), updated->etag()).error().code == "DistributionNotDisabled");
  f.clock.Advance(std::chrono::milliseconds(5000));
  auto later = f.Context();
  CHECK(DeleteResource(later, family, created->id(), created->etag()).error().code == "PreconditionFailed");
  CHECK(DeleteResource(later, family, created->id(), updated->etag()).ok());
  CHECK(LoadResource(later, family, created->id()).error().code == "NoSuchDistribution");
}

TEST_CASE("caller references and aliases are unique; accounts are apart") {
  Fixture f;
  auto ctx = f.Context();
  auto first = CreateResource(ctx, DistributionFamily(), DistributionConfig("same"));
  REQUIRE(first.ok());
  auto again = CreateResource(ctx, DistributionFamily(), DistributionConfig("same"));
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == "DistributionAlreadyExists");
  CHECK(again.error().message.find(first->id()) != std::string::npos);

  auto other_account = f.Context("222222222222");
  CHECK(CreateResource(other_account, DistributionFamily(), DistributionConfig("same")).ok());
  CHECK(LoadResource(other_account, DistributionFamily(), first->id()).error().code == "NoSuchDistribution");

  Json with_alias = DistributionConfig("alias-1");
  with_alias["Aliases"] = {{"Quantity", 1}, {"Items", {"www.example.com"}}};
  // Aliases need a certificate of their own (InvalidViewerCertificate otherwise).
  with_alias["ViewerCertificate"] = {
      {"ACMCertificateArn", "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"},
      {"SSLSupportMethod", "sni-only"}};
  REQUIRE(CreateResource(ctx, DistributionFamily(), with_alias).ok());
  with_alias["CallerReference"] = "alias-2";
  CHECK(CreateResource(ctx, DistributionFamily(), with_alias).error().code == "CNAMEAlreadyExists");
}

TEST_CASE("the per-account limit answers the family's error") {
  Fixture f;
  f.settings.max_distributions = 2;
  auto ctx = f.Context();
  REQUIRE(CreateResource(ctx, DistributionFamily(), DistributionConfig("1")).ok());
  REQUIRE(CreateResource(ctx, DistributionFamily(), DistributionConfig("2")).ok());
  CHECK(CreateResource(ctx, DistributionFamily(), DistributionConfig("3")).error().code == "TooManyDistributions");
}

TEST_CASE("lists page with Marker and MaxItems in creation order") {
  Fixture f;
  auto ctx = f.Context();
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto created = CreateResource(ctx, DistributionFamily(), DistributionConfig("r" + std::to_string(i)));
    REQUIRE(created.ok());
    ids.push_back(created->id());
  }
  auto first = ListRecords(ctx, DistributionFamily(), {{"MaxItems", "2"}});
  REQUIRE(first.ok());
  CHECK(first->records.size() == 2);
  CHECK(first->truncated);
  CHECK(first->next_marker == ids[1]);
  auto last = ListRecords(ctx, DistributionFamily(), {{"MaxItems", "10"}, {"Marker", ids[1]}});
  REQUIRE(last.ok());
  CHECK(last->records.size() == 3);
  CHECK(last->records.front().id == ids[2]);
  CHECK_FALSE(last->truncated);
  const Json envelope = ListEnvelope(last.value(), Json::array({1, 2, 3}));
  CHECK_FALSE(envelope.contains("NextMarker"));
  CHECK(envelope["Quantity"] == 3);
  CHECK(ListRecords(ctx, DistributionFamily(), {{"MaxItems", "x"}}).error().code == "InvalidArgument");
  // The newer operations' models make MaxItems an integer.
  CHECK(ListRecords(ctx, DistributionFamily(), {{"MaxItems", 2}})->records.size() == 2);
  CHECK(ListRecords(ctx, DistributionFamily(), {{"MaxItems", -1}}).error().code == "InvalidArgument");
}

TEST_CASE("derive_metadata: kept beside the config on create and update; its refusal changes nothing") {
  Fixture f;
  auto ctx = f.Context();
  Family family = DistributionFamily();
  family.derive_metadata = [](RequestContext&, const Json& config, const Json&) -> Result<Json, ApiError> {
    if (config.value("Comment", "") == "refuse") return Fail(errors::InvalidArgument("refused"));
    return Json{{"CommentLength", config.value("Comment", "").size()}};
  };
  Json config = DistributionConfig("a");
  config["Comment"] = "four";
  auto created = CreateResource(ctx, family, config);
  REQUIRE(created.ok());
  CHECK(created->metadata["CommentLength"] == 4);
  CHECK_FALSE(created->config().contains("CommentLength"));
  config["Comment"] = "refuse";
  CHECK(UpdateResource(ctx, family, created->id(), created->etag(), config).error().code == "InvalidArgument");
  CHECK(LoadResource(ctx, family, created->id())->etag() == created->etag());
  config["Comment"] = "sixsix";
  auto updated = UpdateResource(ctx, family, created->id(), created->etag(), config);
  REQUIRE(updated.ok());
  CHECK(updated->metadata["CommentLength"] == 6);
  CHECK(LoadResource(ctx, family, created->id())->metadata["CommentLength"] == 6);
  CHECK(CreateResource(ctx, family, [&] { Json c = DistributionConfig("b"); c["Comment"] = "refuse"; return c; }())
            .error()
            .code == "InvalidArgument");
}

}  // namespace
}  // namespace cfl::engine
