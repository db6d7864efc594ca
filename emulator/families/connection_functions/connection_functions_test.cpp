// Connection functions through their handlers: ids, stages and their ETags,
// the flat list with an integer MaxItems, the name rule, and the reference
// a distribution's ConnectionFunctionAssociation makes to the LIVE stage.
#include <doctest/doctest.h>

#include "emulator/codec/wire_text.h"
#include "emulator/engine/handler_test_fixture.h"

namespace cfl::engine {
namespace {

const Json kConfig = {{"Comment", "c"}, {"Runtime", "cloudfront-js-2.0"}};
const std::string kCode = model::Base64Encode("function connectionHandler(c) { c.allow(); }");

Json CreateInput(const std::string& name) {
  return {{"Name", name}, {"ConnectionFunctionConfig", kConfig}, {"ConnectionFunctionCode", kCode}};
}

std::string ErrorCode(const Result<Json, ApiError>& result) { return result ? "" : result.error().code; }

TEST_CASE_FIXTURE(HandlerTestFixture, "connection functions: stages, ETags, names and the flat list") {
  auto created = Call("CreateConnectionFunction", CreateInput("gate"));
  REQUIRE(created);
  const std::string id = created.value()["ConnectionFunctionSummary"]["Id"];
  const std::string dev = created.value()["ETag"];
  CHECK(created.value()["ConnectionFunctionSummary"]["Stage"] == "DEVELOPMENT");
  CHECK(created.value()["ConnectionFunctionSummary"]["Status"] == "UNPUBLISHED");
  CHECK(created.value()["Location"] == "https://cloudfront.amazonaws.com/2020-05-31/connection-function/" + id);
  CHECK(ErrorCode(Call("CreateConnectionFunction", CreateInput("gate"))) == "EntityAlreadyExists");
  Json old_runtime = CreateInput("old");
  old_runtime["ConnectionFunctionConfig"]["Runtime"] = "cloudfront-js-1.0";
  CHECK(ErrorCode(Call("CreateConnectionFunction", old_runtime)) == "InvalidArgument");

  // Named by Id, Name or ARN; LIVE only once published.
  const std::string arn = created.value()["ConnectionFunctionSummary"]["ConnectionFunctionArn"];
  for (const std::string& identifier : {id, std::string("gate"), arn}) {
    CHECK(Call("DescribeConnectionFunction", {{"Identifier", identifier}}).value()["ETag"] == dev);
  }
  CHECK(ErrorCode(Call("DescribeConnectionFunction", {{"Identifier", id}, {"Stage", "LIVE"}})) == "EntityNotFound");
  auto published = Call("PublishConnectionFunction", {{"Id", id}, {"IfMatch", dev}});
  REQUIRE(published);
  CHECK(published.value()["ConnectionFunctionSummary"]["Stage"] == "LIVE");
  const std::string live = Call("DescribeConnectionFunction", {{"Identifier", id}, {"Stage", "LIVE"}}).value()["ETag"];
  CHECK(live != dev);

  // An update keeps the name and changes DEVELOPMENT only.
  Json update = {{"Id", id}, {"IfMatch", dev}, {"ConnectionFunctionConfig", kConfig}, {"ConnectionFunctionCode", kCode}};
  update["ConnectionFunctionConfig"]["Comment"] = "v2";
  auto updated = Call("UpdateConnectionFunction", update);
  REQUIRE(updated);
  CHECK(updated.value()["ConnectionFunctionSummary"]["Name"] == "gate");
  CHECK(ErrorCode(Call("UpdateConnectionFunction", update)) == "PreconditionFailed");
  CHECK(Call("DescribeConnectionFunction", {{"Identifier", id}, {"Stage", "LIVE"}}).value()["ETag"] == live);

  // The flat list: the items beside NextMarker, MaxItems an integer.
  REQUIRE(Call("CreateConnectionFunction", CreateInput("second")));
  auto first = Call("ListConnectionFunctions", {{"MaxItems", 1}});
  REQUIRE(first);
  CHECK(first.value()["ConnectionFunctions"].size() == 1);
  CHECK(first.value()["NextMarker"] == id);
  auto rest = Call("ListConnectionFunctions", {{"MaxItems", 1}, {"Marker", id}});
  CHECK(rest.value()["ConnectionFunctions"][0]["Name"] == "second");
  CHECK_FALSE(rest.value().contains("NextMarker"));
  CHECK(Call("ListConnectionFunctions", {{"Stage", "LIVE"}}).value()["ConnectionFunctions"].size() == 1);
  CHECK(ErrorCode(Call("ListConnectionFunctions", {{"MaxItems", -1}})) == "InvalidArgument");
}

TEST_CASE_FIXTURE(HandlerTestFixture, "a distribution names a LIVE connection function; in use, it stays") {
  auto created = Call("CreateConnectionFunction", CreateInput("gate"));
  const std::string id = created.value()["ConnectionFunctionSummary"]["Id"];
  const std::string dev = created.value()["ETag"];
  Json config = MinimalDistributionConfig("ref-1");
  config["ConnectionFunctionAssociation"] = {{"Id", id}};
  CHECK(ErrorCode(Call("CreateDistribution", {{"DistributionConfig", config}})) == "EntityNotFound");

  REQUIRE(Call("PublishConnectionFunction", {{"Id", id}, {"IfMatch", dev}}));
  auto distribution = Call("CreateDistribution", {{"DistributionConfig", config}});
  REQUIRE(distribution);
  const std::string distribution_id = distribution.value()["Distribution"]["Id"];
  auto users = Call("ListDistributionsByConnectionFunction", {{"ConnectionFunctionIdentifier", "gate"}});
  REQUIRE(users);
  CHECK(users.value()["DistributionList"]["Items"][0]["Id"] == distribution_id);
  CHECK(Call("DescribeConnectionFunction", {{"Identifier", id}}).value()["ConnectionFunctionSummary"]["Status"] ==
        "ASSOCIATED");
  CHECK(ErrorCode(Call("DeleteConnectionFunction", {{"Id", id}, {"IfMatch", dev}})) == "CannotDeleteEntityWhileInUse");
  CHECK(ErrorCode(Call("ListDistributionsByConnectionFunction", {{"ConnectionFunctionIdentifier", "nope"}})) ==
        "EntityNotFound");
}

}  // namespace
}  // namespace cfl::engine
