#include "emulator/edge/staging_traffic.h"

#include <doctest/doctest.h>

namespace cfl::edge {
namespace {

cfl::Json WeightPolicy(double weight, bool sticky, bool enabled = true) {
  cfl::Json single = {{"Weight", weight}};
  if (sticky) single["SessionStickinessConfig"] = {{"IdleTTL", 300}, {"MaximumTTL", 600}};
  return {{"Enabled", enabled}, {"TrafficConfig", {{"Type", "SingleWeight"}, {"SingleWeightConfig", single}}}};
}

std::string CookieOf(const std::string& set_cookie) { return set_cookie.substr(0, set_cookie.find(';')); }

}  // namespace

TEST_CASE("staging traffic: a header policy sends its header with its value") {
  StagingTraffic traffic;
  const cfl::Json policy = {
      {"Enabled", true},
      {"TrafficConfig",
       {{"Type", "SingleHeader"}, {"SingleHeaderConfig", {{"Header", "aws-cf-cd-test"}, {"Value", "blue"}}}}}};
  CHECK(traffic.Decide(policy, "E1", {{"AWS-CF-CD-Test", "blue"}}, 0).staging);
  CHECK_FALSE(traffic.Decide(policy, "E1", {{"aws-cf-cd-test", "green"}}, 0).staging);
  CHECK_FALSE(traffic.Decide(policy, "E1", {}, 0).staging);
  auto disabled = policy;
  disabled["Enabled"] = false;
  CHECK_FALSE(traffic.Decide(disabled, "E1", {{"aws-cf-cd-test", "blue"}}, 0).staging);
  CHECK(traffic.Decide(policy, "E1", {{"aws-cf-cd-test", "blue"}}, 0).set_cookie.empty());
}

TEST_CASE("staging traffic: a weight's share, the same sequence under the same seed") {
  StagingTraffic traffic;
  traffic.SetSeed(42);
  std::string first;
  int staged = 0;
  for (int i = 0; i < 2000; ++i) {
    const bool staging = traffic.Decide(WeightPolicy(0.15, false), "E1", {}, 0).staging;
    staged += staging ? 1 : 0;
    if (i < 64) first += staging ? 'S' : 'P';
  }
  CHECK(staged > 240);  // 15 % of 2000 is 300
  CHECK(staged < 360);
  traffic.SetSeed(42);
  std::string again;
  for (int i = 0; i < 64; ++i) again += traffic.Decide(WeightPolicy(0.15, false), "E1", {}, 0).staging ? 'S' : 'P';
  CHECK(again == first);
  traffic.SetSeed(43);
  std::string other;
  for (int i = 0; i < 64; ++i) other += traffic.Decide(WeightPolicy(0.15, false), "E1", {}, 0).staging ? 'S' : 'P';
  CHECK(other != first);
  CHECK_FALSE(traffic.Decide(WeightPolicy(0.15, false, false), "E1", {}, 0).staging);
  for (int i = 0; i < 100; ++i) CHECK_FALSE(DrawsStaging(7, i, 0.0));
}

TEST_CASE("staging traffic: a sticky session keeps its distribution until IdleTTL or MaximumTTL") {
  StagingTraffic traffic;
  traffic.SetSeed(1);
  // Find a viewer drawn to staging.
  StagingDecision decision;
  for (int i = 0; i < 200 && !decision.staging; ++i) decision = traffic.Decide(WeightPolicy(0.15, true), "E1", {}, 0);
  REQUIRE(decision.staging);
  CHECK(decision.set_cookie.starts_with("aws-cf-cd-session=staging.0.0; Path=/; Max-Age=300"));
  Headers viewer = {{"Cookie", "a=1; " + CookieOf(decision.set_cookie)}};
  std::int64_t now = 0;
  for (int i = 0; i < 20; ++i) {  // every 25 s: never idle 300 s; 500 s after the draw
    now += 25'000;
    decision = traffic.Decide(WeightPolicy(0.15, true), "E1", viewer, now);
    CHECK(decision.staging);
    viewer = {{"Cookie", CookieOf(decision.set_cookie)}};
  }
  CHECK(decision.set_cookie == "aws-cf-cd-session=staging.0.500000; Path=/; Max-Age=100; HttpOnly");
  // Past MaximumTTL (600 s since the draw): drawn again; most draws are primary.
  int primary = 0;
  for (int i = 0; i < 20; ++i) {
    primary += traffic.Decide(WeightPolicy(0.15, true), "E1", viewer, 601'000).staging ? 0 : 1;
  }
  CHECK(primary > 10);
  // Idle more than IdleTTL: drawn again too.
  const Headers idle = {{"Cookie", "aws-cf-cd-session=staging.0.0"}};
  int redrawn_primary = 0;
  for (int i = 0; i < 20; ++i) redrawn_primary += traffic.Decide(WeightPolicy(0.15, true), "E1", idle, 301'000).staging ? 0 : 1;
  CHECK(redrawn_primary > 10);
  // A malformed cookie is a new viewer.
  const Headers forged = {{"Cookie", "aws-cf-cd-session=staging.x.0"}};
  CHECK(traffic.Decide(WeightPolicy(0.15, true), "E1", forged, 0).set_cookie.find("=staging.x") == std::string::npos);
}

}  // namespace cfl::edge
