#include "emulator/engine/references.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "store/store.h"

namespace cfl::engine {
namespace {

// What a config of kind references, found row by row along each row's path:
// the order ReferencesOf must keep, whatever way it walks the config.
std::vector<std::string> RowByRow(std::string_view kind, const Json& config) {
  std::vector<std::string> all;
  for (const auto& rule : ReferenceRules()) {
    if (rule.from_kind != kind) continue;
    ForEachAtPath(config, rule.path, [&](const std::string& value) {
      const auto id = rule.id_of ? rule.id_of(value) : std::optional<std::string>(value);
      REQUIRE(id);
      const std::string reference = store::ReferenceTo(rule.target_kind, *id);
      if (std::find(all.begin(), all.end(), reference) == all.end()) all.push_back(reference);
    });
  }
  return all;
}

Json Behavior(const std::string& policy, const std::string& log_arn, const std::string& function_arn) {
  return {{"CachePolicyId", policy},
          {"OriginRequestPolicyId", "orp-" + policy},
          {"TrustedKeyGroups", {{"Quantity", 2}, {"Items", {"kg-2", "kg-1"}}}},
          {"FieldLevelEncryptionId", ""},  // empty: names nothing
          {"RealtimeLogConfigArn", log_arn},
          {"FunctionAssociations", {{"Quantity", 1}, {"Items", {{{"FunctionARN", function_arn}}}}}}};
}

Json ConfigNamingMany(const std::string& default_log_arn, const std::string& default_function_arn,
                      const std::string& second_log_arn) {
  const std::string function_arn = "arn:aws:cloudfront::123456789012:function/f-2";
  return {{"Origins",
           {{"Quantity", 2},
            {"Items",
             {{{"Id", "o1"}, {"OriginAccessControlId", "oac-1"}},
              {{"Id", "o2"},
               {"S3OriginConfig", {{"OriginAccessIdentity", "origin-access-identity/cloudfront/E2OAI"}}},
               {"VpcOriginConfig", {{"VpcOriginId", "vo-1"}}}}}}}},
          {"DefaultCacheBehavior", Behavior("cp-1", default_log_arn, default_function_arn)},
          {"CacheBehaviors",
           {{"Quantity", 2},
            {"Items",
             {Behavior("cp-2", "arn:aws:cloudfront::123456789012:realtime-log-config/log-2", function_arn),
              Behavior("cp-1", second_log_arn, function_arn)}}}},
          {"AnycastIpListId", "ail-1"},
          {"ContinuousDeploymentPolicyId", "cdp-1"}};
}

TEST_CASE("ReferencesOf lists each reference once, in the rows' order and each row's values in the config's") {
  const Json config =
      ConfigNamingMany("arn:aws:cloudfront::123456789012:realtime-log-config/log-1",
                       "arn:aws:cloudfront::123456789012:function/f-1",
                       "arn:aws:cloudfront::123456789012:realtime-log-config/log-3");
  const auto found = ReferencesOf("distribution", config);
  REQUIRE(found.ok());
  const std::vector<std::string> expected = RowByRow("distribution", config);
  CHECK(expected.size() == 16);  // the config names what it should
  CHECK(found->all == expected);
  // A row that comes later in the table but whose member is met earlier in
  // the config (the default behavior's log config) still comes later.
  const auto position = [&](const std::string& reference) {
    return std::find(found->all.begin(), found->all.end(), reference) - found->all.begin();
  };
  CHECK(position(store::ReferenceTo("cache-policy", "cp-2")) <
        position(store::ReferenceTo("realtime-log-config", "log-1")));
}

TEST_CASE("ReferencesOf answers the first malformed value in the rows' order") {
  // The default behavior's function ARN and a cache behavior's log config are
  // both malformed: the log config's row comes first in the table.
  const Json config = ConfigNamingMany("arn:aws:cloudfront::123456789012:realtime-log-config/log-1",
                                       "not-an-arn", "not-an-arn-either");
  const auto found = ReferencesOf("distribution", config);
  REQUIRE_FALSE(found.ok());
  CHECK(found.error().code == "NoSuchRealtimeLogConfig");
}

TEST_CASE("ReferencesOf of a kind no row names from is empty") {
  const auto found = ReferencesOf("no-such-kind", Json{{"CachePolicyId", "cp-1"}});
  REQUIRE(found.ok());
  CHECK(found->all.empty());
  CHECK(found->required.empty());
}

}  // namespace
}  // namespace cfl::engine
