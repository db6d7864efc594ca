#include "emulator/families/policies/managed_policies.h"

#include <doctest/doctest.h>

#include <regex>
#include <set>

#include "emulator/codec/validate.h"
#include "emulator/engine/handler_test_fixture.h"
#include "emulator/model/model.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT

constexpr const char* kCachingOptimized = "658327ea-f89d-4fab-a63d-7e88639e58f6";

using Fixture = HandlerTestFixture;

Json CachePolicyConfig(const std::string& name, std::int64_t min_ttl = 0) {
  return {{"Name", name},
          {"MinTTL", min_ttl},
          {"ParametersInCacheKeyAndForwardedToOrigin",
           {{"EnableAcceptEncodingGzip", true},
            {"HeadersConfig", {{"HeaderBehavior", "none"}}},
            {"CookiesConfig", {{"CookieBehavior", "none"}}},
            {"QueryStringsConfig", {{"QueryStringBehavior", "none"}}}}}};
}

Json DistributionConfig(const std::string& caller_reference, const std::string& cache_policy) {
  return {
      {"CallerReference", caller_reference},
      {"Comment", "test"},
      {"Enabled", true},
      {"Origins",
       {{"Quantity", 1},
        {"Items",
         {{{"Id", "s3"}, {"DomainName", "b.s3.amazonaws.com"}, {"S3OriginConfig", {{"OriginAccessIdentity", ""}}}}}}}},
      {"DefaultCacheBehavior",
       {{"TargetOriginId", "s3"}, {"ViewerProtocolPolicy", "allow-all"}, {"CachePolicyId", cache_policy}}}};
}

std::vector<std::string> ListedIds(const Json& list, const std::string& member) {
  std::vector<std::string> ids;
  for (const auto& item : list.value("Items", Json::array())) ids.push_back(item[member]["Id"]);
  return ids;
}

TEST_CASE("every managed policy is valid for its model shape, with a unique id, name and a fixed etag") {
  const std::pair<const ManagedRecords*, const char*> tables[] = {
      {&ManagedCachePolicies(), "CachePolicyConfig"},
      {&ManagedOriginRequestPolicies(), "OriginRequestPolicyConfig"},
      {&ManagedResponseHeadersPolicies(), "ResponseHeadersPolicyConfig"},
  };
  const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
  const std::regex etag("^E[A-Z0-9]{13}$");
  for (const auto& [table, shape] : tables) {
    CAPTURE(shape);
    std::set<std::string> ids, names, etags;
    for (const auto& policy : *table) {
      CAPTURE(policy.id);
      CHECK(std::regex_match(policy.id, uuid));
      CHECK(std::regex_match(policy.etag, etag));
      CHECK(model::Validate(policy.config, *model::FindShape(shape), shape).ok());
      CHECK(policy.config["Name"].is_string());
      ids.insert(policy.id);
      names.insert(policy.config.value("Name", ""));
      etags.insert(policy.etag);
    }
    CHECK(ids.size() == table->size());
    CHECK(names.size() == table->size());
    CHECK(etags.size() == table->size());
  }
  CHECK(ManagedCachePolicies().size() == 11);
  CHECK(ManagedOriginRequestPolicies().size() == 7);
  CHECK(ManagedResponseHeadersPolicies().size() == 5);
  const auto* optimized = FindManaged(&ManagedCachePolicies(), kCachingOptimized);
  REQUIRE(optimized != nullptr);
  CHECK(optimized->config["Name"] == "Managed-CachingOptimized");
  CHECK(optimized->config["MinTTL"] == 1);
  CHECK(FindManaged(&ManagedOriginRequestPolicies(), "216adef6-5c7f-47e4-b989-5492eafa07d3")->config["Name"] ==
        "Managed-AllViewer");
  CHECK(FindManaged(&ManagedResponseHeadersPolicies(), "67f7725c-6f97-4210-82d7-5512b31e9d03")->config["Name"] ==
        "Managed-SecurityHeadersPolicy");
  CHECK(FindManaged(&ManagedCachePolicies(), "216adef6-5c7f-47e4-b989-5492eafa07d3") == nullptr);
}

TEST_CASE("managed policies answer in every account and refuse changes") {
  Fixture f;
  for (const std::string account : {"111111111111", "222222222222"}) {
    auto got = f.Call("GetCachePolicy", {{"Id", kCachingOptimized}}, account);
    REQUIRE(got.ok());
    CHECK(got.value()["CachePolicy"]["CachePolicyConfig"]["Name"] == "Managed-CachingOptimized");
    CHECK(got.value()["ETag"] == FindManaged(&ManagedCachePolicies(), kCachingOptimized)->etag);
    auto config = f.Call("GetCachePolicyConfig", {{"Id", kCachingOptimized}}, account);
    REQUIRE(config.ok());
    CHECK(config.value()["CachePolicyConfig"]["DefaultTTL"] == 86400);
    CHECK(config.value()["ETag"] == got.value()["ETag"]);
  }
  const Json etag = f.Call("GetCachePolicy", {{"Id", kCachingOptimized}}).value()["ETag"];
  auto update = f.Call("UpdateCachePolicy",
                       {{"Id", kCachingOptimized}, {"IfMatch", etag}, {"CachePolicyConfig", CachePolicyConfig("x")}});
  CHECK(update.error().code == "IllegalUpdate");
  CHECK(update.error().status == 400);
  auto deleted = f.Call("DeleteCachePolicy", {{"Id", kCachingOptimized}, {"IfMatch", etag}});
  CHECK(deleted.error().code == "IllegalDelete");
  CHECK(f.Call("DeleteOriginRequestPolicy", {{"Id", "216adef6-5c7f-47e4-b989-5492eafa07d3"}, {"IfMatch", "E1"}})
            .error()
            .code == "IllegalDelete");
  CHECK(f.Call("GetCachePolicy", {{"Id", "nope"}}).error().code == "NoSuchCachePolicy");
}

TEST_CASE("list pages through managed then custom policies, filtered by Type") {
  Fixture f;
  std::vector<std::string> custom;
  for (const auto* name : {"one", "two", "three"}) {
    auto created = f.Call("CreateCachePolicy", {{"CachePolicyConfig", CachePolicyConfig(name)}});
    REQUIRE(created.ok());
    custom.push_back(created.value()["CachePolicy"]["Id"]);
  }
  std::vector<std::string> expected;
  for (const auto& policy : ManagedCachePolicies()) expected.push_back(policy.id);
  expected.insert(expected.end(), custom.begin(), custom.end());

  std::vector<std::string> seen;
  Json input = {{"MaxItems", "4"}};
  for (int page = 0; page < 10; ++page) {
    auto listed = f.Call("ListCachePolicies", input);
    REQUIRE(listed.ok());
    const Json& list = listed.value()["CachePolicyList"];
    CHECK(list["MaxItems"] == 4);
    for (const auto& id : ListedIds(list, "CachePolicy")) seen.push_back(id);
    if (!list.contains("NextMarker")) break;
    input["Marker"] = list["NextMarker"];
  }
  CHECK(seen == expected);

  auto only_custom = f.Call("ListCachePolicies", {{"Type", "custom"}});
  REQUIRE(only_custom.ok());
  CHECK(ListedIds(only_custom.value()["CachePolicyList"], "CachePolicy") == custom);
  CHECK(only_custom.value()["CachePolicyList"]["Items"][0]["Type"] == "custom");
  auto only_managed = f.Call("ListCachePolicies", {{"Type", "managed"}});
  REQUIRE(only_managed.ok());
  CHECK(only_managed.value()["CachePolicyList"]["Quantity"] == ManagedCachePolicies().size());
  CHECK(only_managed.value()["CachePolicyList"]["Items"][0]["Type"] == "managed");
  CHECK(f.Call("ListCachePolicies", {{"Type", "aws"}}).error().code == "InvalidArgument");
  auto other_account = f.Call("ListCachePolicies", {{"Type", "custom"}}, "222222222222");
  CHECK(other_account.value()["CachePolicyList"]["Quantity"] == 0);
}

TEST_CASE("a policy in use can't be deleted, and updating it renews its distributions") {
  Fixture f;
  auto created = f.Call("CreateCachePolicy", {{"CachePolicyConfig", CachePolicyConfig("mine")}});
  REQUIRE(created.ok());
  const std::string id = created.value()["CachePolicy"]["Id"];
  std::string policy_etag = created.value()["ETag"];
  CHECK(f.Call("CreateCachePolicy", {{"CachePolicyConfig", CachePolicyConfig("mine")}}).error().code ==
        "CachePolicyAlreadyExists");

  auto missing = f.Call("CreateDistribution", {{"DistributionConfig", DistributionConfig("d0", "nope")}});
  CHECK(missing.error().code == "NoSuchCachePolicy");
  auto distribution = f.Call("CreateDistribution", {{"DistributionConfig", DistributionConfig("d1", id)}});
  REQUIRE(distribution.ok());
  const std::string distribution_id = distribution.value()["Distribution"]["Id"];
  const std::string distribution_etag = distribution.value()["ETag"];

  auto by_policy = f.Call("ListDistributionsByCachePolicyId", {{"CachePolicyId", id}});
  REQUIRE(by_policy.ok());
  CHECK(by_policy.value()["DistributionIdList"]["Items"] == Json::array({distribution_id}));

  auto in_use = f.Call("DeleteCachePolicy", {{"Id", id}, {"IfMatch", policy_etag}});
  CHECK(in_use.error().code == "CachePolicyInUse");
  CHECK(in_use.error().status == 409);

  f.clock.Advance(std::chrono::milliseconds(1000));
  auto updated = f.Call("UpdateCachePolicy",
                        {{"Id", id}, {"IfMatch", policy_etag}, {"CachePolicyConfig", CachePolicyConfig("mine", 5)}});
  REQUIRE(updated.ok());
  policy_etag = updated.value()["ETag"];
  auto renewed = f.Call("GetDistribution", {{"Id", distribution_id}});
  REQUIRE(renewed.ok());
  CHECK(renewed.value()["ETag"] != distribution_etag);
  CHECK(renewed.value()["Distribution"]["Status"] == "InProgress");
  CHECK(updated.value()["CachePolicy"]["CachePolicyConfig"]["MinTTL"] == 5);
}

TEST_CASE("cache policy configs: defaults and the rules beyond the model") {
  Fixture f;
  auto created = f.Call("CreateCachePolicy", {{"CachePolicyConfig", CachePolicyConfig("ttl", 90000)}});
  REQUIRE(created.ok());
  const Json& config = created.value()["CachePolicy"]["CachePolicyConfig"];
  CHECK(config["DefaultTTL"] == 90000);
  CHECK(config["MaxTTL"] == 31536000);
  CHECK(config["ParametersInCacheKeyAndForwardedToOrigin"]["EnableAcceptEncodingBrotli"] == false);

  Json bad_ttl = CachePolicyConfig("bad-ttl", 10);
  bad_ttl["DefaultTTL"] = 5;
  CHECK(f.Call("CreateCachePolicy", {{"CachePolicyConfig", bad_ttl}}).error().code == "InvalidArgument");
  CHECK(f.Call("CreateCachePolicy", {{"CachePolicyConfig", CachePolicyConfig("has space")}}).error().code ==
        "InvalidArgument");

  Json headers = CachePolicyConfig("headers");
  Json& headers_config = headers["ParametersInCacheKeyAndForwardedToOrigin"]["HeadersConfig"];
  headers_config = {{"HeaderBehavior", "whitelist"}, {"Headers", {{"Quantity", 0}}}};
  CHECK(f.Call("CreateCachePolicy", {{"CachePolicyConfig", headers}}).error().code == "InvalidArgument");
  Json names = Json::array();
  for (int i = 0; i < 11; ++i) names.push_back(std::string("h").append(std::to_string(i)));  // not "h" + …: GCC 12's -Wrestrict false positive
  headers_config["Headers"] = {{"Quantity", 11}, {"Items", names}};
  CHECK(f.Call("CreateCachePolicy", {{"CachePolicyConfig", headers}}).error().code == "TooManyHeadersInCachePolicy");

  Json disabled = CachePolicyConfig("disabled");
  disabled["DefaultTTL"] = 0;
  disabled["MaxTTL"] = 0;
  CHECK(f.Call("CreateCachePolicy", {{"CachePolicyConfig", disabled}}).error().code == "InvalidArgument");
  disabled["ParametersInCacheKeyAndForwardedToOrigin"]["EnableAcceptEncodingGzip"] = false;
  CHECK(f.Call("CreateCachePolicy", {{"CachePolicyConfig", disabled}}).ok());
}

}  // namespace
}  // namespace cfl::families
