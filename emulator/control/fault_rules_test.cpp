#include "emulator/control/fault_rules.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

namespace cfl::control {
namespace {

FaultRuleSpec Parsed(const Json& body) {
  auto spec = ParseFaultRule(body);
  REQUIRE_MESSAGE(spec.ok(), (spec.ok() ? "" : spec.error().message));
  return spec.value();
}

std::string Refusal(const Json& body) {
  auto spec = ParseFaultRule(body);
  REQUIRE_FALSE(spec.ok());
  CHECK(spec.error().status == 400);
  return spec.error().message;
}

api::FaultQuery Query(std::string_view operation, std::string_view account = "111111111111",
                      std::vector<std::string> ids = {}) {
  return {operation, account, std::move(ids)};
}

TEST_CASE("a fault rule takes any modeled error with its status, and the real unmodeled ones") {
  auto precondition = Parsed({{"operation", "DeleteDistribution"}, {"error", "PreconditionFailed"}});
  REQUIRE(precondition.error);
  CHECK(precondition.error->status == 412);
  CHECK(precondition.error->message.find("preconditions") != std::string::npos);
  CHECK(precondition.count == 1);
  CHECK(precondition.delay_ms == 0);

  auto throttling = Parsed({{"operation", "ListDistributions"}, {"error", "Throttling"}, {"count", 3}});
  CHECK(throttling.error->status == 400);
  CHECK(throttling.error->message == "Rate exceeded");
  CHECK(throttling.count == 3);
  CHECK(Parsed({{"operation", "*"}, {"error", "InternalError"}}).error->status == 500);
  CHECK(Parsed({{"operation", "*"}, {"error", "ServiceUnavailable"}}).error->status == 503);
  CHECK_FALSE(Parsed({{"operation", "*"}, {"error", "ServiceUnavailable"}}).error->sender_fault);
  CHECK(Parsed({{"operation", "GetDistribution"}, {"error", "AccessDenied"}, {"message", "no"}}).error->message == "no");
  // The KeyValueStore data plane's operations and errors.
  CHECK(Parsed({{"operation", "PutKey"}, {"error", "ConflictException"}}).error->status == 409);

  auto delay = Parsed({{"operation", "GetDistribution"}, {"delay_ms", 250}, {"resource_id", "E1"},
                       {"account", "222222222222"}});
  CHECK_FALSE(delay.error);
  CHECK(delay.delay_ms == 250);
  CHECK(delay.resource_id == "E1");
  CHECK(delay.account == "222222222222");
}

TEST_CASE("bad fault rules are refused with a reason") {
  CHECK(Refusal({{"operation", "DeleteDistribution"}, {"error", "NoSuchThing"}}).find("NoSuchThing") !=
        std::string::npos);
  CHECK(Refusal({{"operation", "DeleteDistributions"}, {"error", "PreconditionFailed"}}).find("unknown operation") !=
        std::string::npos);
  CHECK(Refusal({{"error", "PreconditionFailed"}}).find("operation") != std::string::npos);
  CHECK(Refusal({{"operation", "GetDistribution"}}).find("delay_ms") != std::string::npos);
  Refusal({{"operation", "GetDistribution"}, {"error", "Throttling"}, {"count", 0}});
  Refusal({{"operation", "GetDistribution"}, {"error", "Throttling"}, {"count", 1.5}});
  Refusal({{"operation", "GetDistribution"}, {"error", "Throttling"}, {"count", "1"}});
  Refusal({{"operation", "GetDistribution"}, {"error", "Throttling"}, {"delay_ms", -1}});
  Refusal({{"operation", "GetDistribution"}, {"error", "Throttling"}, {"account", "42"}});
  Refusal({{"operation", "GetDistribution"}, {"message", "needs an error"}, {"delay_ms", 5}});
  CHECK(Refusal({{"operation", "GetDistribution"}, {"error", "Throttling"}, {"cuont", 2}}).find("cuont") !=
        std::string::npos);
}

TEST_CASE("the first matching rule answers, count times, then it is gone") {
  FaultRules rules;
  FaultRuleSpec scoped = Parsed({{"operation", "GetDistribution"}, {"error", "NoSuchDistribution"},
                                 {"count", 2}, {"resource_id", "E2"}, {"account", "111111111111"}});
  const std::string first = rules.Add(scoped);
  const std::string second = rules.Add(Parsed({{"operation", "*"}, {"error", "Throttling"}}));
  CHECK(first != second);

  // Not this resource, so the catch-all answers (and is used up).
  auto other = rules.Consult(Query("GetDistribution", "111111111111", {"E1"}));
  REQUIRE(other);
  CHECK(other->rule_id == second);
  CHECK_FALSE(rules.Consult(Query("GetDistribution", "111111111111", {"E1"})));
  CHECK_FALSE(rules.Consult(Query("GetDistribution", "222222222222", {"E2"})));
  CHECK_FALSE(rules.Consult(Query("GetDistributionConfig", "111111111111", {"E2"})));

  auto hit = rules.Consult(Query("GetDistribution", "111111111111", {"E2"}));
  REQUIRE(hit);
  CHECK(hit->rule_id == first);
  CHECK(hit->error->code == "NoSuchDistribution");
  REQUIRE(rules.List().size() == 1);
  CHECK(rules.List()[0].remaining == 1);
  CHECK(rules.List()[0].fired == 1);
  CHECK(rules.Consult(Query("GetDistribution", "111111111111", {"ARNTAIL", "E2"})));
  CHECK(rules.List().empty());
}

TEST_CASE("rules are removed one by one, all, or per account") {
  FaultRules rules;
  const auto a = rules.Add(Parsed({{"operation", "*"}, {"error", "Throttling"}, {"account", "111111111111"}}));
  const auto b = rules.Add(Parsed({{"operation", "*"}, {"error", "Throttling"}, {"account", "222222222222"}}));
  rules.Add(Parsed({{"operation", "*"}, {"error", "Throttling"}}));
  CHECK_FALSE(rules.Remove("fault-999"));
  rules.Clear(std::string("111111111111"));
  REQUIRE(rules.List().size() == 2);
  CHECK(rules.List()[0].id == b);
  CHECK(rules.Remove(b));
  CHECK_FALSE(rules.Remove(a));
  rules.Clear();
  CHECK(rules.List().empty());
  CHECK(FaultRuleJson(FaultRule{"fault-1", Parsed({{"operation", "*"}, {"delay_ms", 5}}), 1, 0})["error"].is_null());
}

TEST_CASE("a count of N fires exactly N times however many threads ask") {
  FaultRules rules;
  rules.Add(Parsed({{"operation", "ListDistributions"}, {"error", "Throttling"}, {"count", 100}}));
  std::atomic<int> fired{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (rules.Consult(Query("ListDistributions"))) ++fired;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(fired == 100);
  CHECK(rules.List().empty());
}

}  // namespace
}  // namespace cfl::control
