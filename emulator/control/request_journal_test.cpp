#include "emulator/control/request_journal.h"

#include <doctest/doctest.h>

namespace cfl::control {
namespace {

api::CallRecord Call(std::string operation, std::string account, int status, std::string error = "") {
  api::CallRecord call;
  call.request_id = operation + "-" + std::to_string(status);
  call.operation = std::move(operation);
  call.account = std::move(account);
  call.status = status;
  call.error_code = std::move(error);
  return call;
}

std::vector<std::string> Operations(const std::vector<api::CallRecord>& calls) {
  std::vector<std::string> names;
  for (const auto& call : calls) names.push_back(call.operation);
  return names;
}

TEST_CASE("the journal keeps the newest calls, newest first") {
  RequestJournal journal(3);
  for (const char* name : {"A", "B", "C", "D"}) journal.Record(Call(name, "111111111111", 200));
  CHECK(Operations(journal.Recent({})) == std::vector<std::string>{"D", "C", "B"});
  JournalFilter one;
  one.limit = 1;
  CHECK(Operations(journal.Recent(one)) == std::vector<std::string>{"D"});

  RequestJournal off(0);
  off.Record(Call("A", "111111111111", 200));
  CHECK(off.Recent({}).empty());
}

TEST_CASE("the journal filters by operation, account, status and error") {
  RequestJournal journal(10);
  journal.Record(Call("GetDistribution", "111111111111", 200));
  journal.Record(Call("GetDistribution", "222222222222", 404, "NoSuchDistribution"));
  journal.Record(Call("DeleteDistribution", "111111111111", 412, "PreconditionFailed"));
  JournalFilter filter;
  filter.operation = "GetDistribution";
  CHECK(journal.Recent(filter).size() == 2);
  filter.account = "111111111111";
  CHECK(journal.Recent(filter).size() == 1);
  JournalFilter status;
  status.status = 412;
  CHECK(Operations(journal.Recent(status)) == std::vector<std::string>{"DeleteDistribution"});
  JournalFilter error;
  error.error_code = "NoSuchDistribution";
  CHECK(journal.Recent(error).at(0).account == "222222222222");

  journal.Clear(std::string("111111111111"));
  CHECK(journal.Recent({}).size() == 1);
  journal.Clear();
  CHECK(journal.Recent({}).empty());
}

TEST_CASE("journal query strings are checked") {
  auto filter = ParseJournalFilter({{"operation", "GetDistribution"}, {"status", "404"}, {"limit", "5"},
                                    {"account", "111111111111"}, {"error", "NoSuchDistribution"}});
  REQUIRE(filter.ok());
  CHECK(filter->operation == "GetDistribution");
  CHECK(filter->status == 404);
  CHECK(filter->limit == 5);
  CHECK(ParseJournalFilter({}).value().limit == 100);
  CHECK_FALSE(ParseJournalFilter({{"status", "abc"}}).ok());
  CHECK_FALSE(ParseJournalFilter({{"status", "99"}}).ok());
  CHECK_FALSE(ParseJournalFilter({{"limit", "-1"}}).ok());
  CHECK_FALSE(ParseJournalFilter({{"sort", "asc"}}).ok());
  CHECK_FALSE(ParseJournalFilter({{"limit", "1"}, {"limit", "2"}}).ok());
}

TEST_CASE("a journal entry says what happened") {
  api::CallRecord call = Call("DeleteDistribution", "111111111111", 412, "PreconditionFailed");
  call.method = "DELETE";
  call.path = "/2020-05-31/distribution/E1";
  call.if_match = "E2";
  call.time_ms = 1'700'000'000'123;
  call.duration_ms = 1.5;
  call.fault_rule = "fault-3";
  const Json json = CallJson(call);
  CHECK(json["time"] == "2023-11-14T22:13:20.123Z");
  CHECK(json["method"] == "DELETE");
  CHECK(json["if_match"] == "E2");
  CHECK(json["etag"].is_null());
  CHECK(json["error_code"] == "PreconditionFailed");
  CHECK(json["fault"] == true);
  CHECK(json["fault_rule"] == "fault-3");
  CHECK(json["duration_ms"] == 1.5);
}

}  // namespace
}  // namespace cfl::control
