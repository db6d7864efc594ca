// Versioning::kPerStage on the model's function operations, with a family
// defined here (not registered): DEVELOPMENT is edited, Publish copies it to
// LIVE, each stage has its ETag, and deleting the one deletes both.
#include <doctest/doctest.h>

#include "emulator/engine/handler_test_fixture.h"
#include "emulator/engine/operations.h"
#include "emulator/engine/resources.h"

namespace cfl::engine {
namespace {

Json Summary(const RequestContext&, const Resource& resource, bool) {
  const bool live = resource.record.kind == LiveKind("staged-thing");
  return {{"Name", resource.id()},
          {"Status", "UNASSOCIATED"},
          {"FunctionConfig", resource.config().value("FunctionConfig", Json::object())},
          {"FunctionMetadata",
           {{"FunctionARN", "arn:aws:cloudfront::111111111111:function/" + resource.id()},
            {"Stage", live ? kLiveStage : kDevelopmentStage},
            {"LastModifiedTime", "2024-01-01T00:00:00.000Z"}}}};
}

FamilyDefinition StagedDefinition() {
  Family family;
  family.kind = "staged-thing";
  family.noun = "function";
  family.versioning = Versioning::kPerStage;
  family.errors = {.not_found = errors::NoSuchFunctionExists, .already_exists = errors::FunctionAlreadyExists};
  family.id_member = "Name";
  family.render = Summary;
  family.summarize = [](const RequestContext& ctx, const Resource& resource) { return Summary(ctx, resource, false); };
  return {std::move(family),
          {{"CreateFunction", Verb::kCreate},
           {"DescribeFunction", Verb::kGet},
           {"UpdateFunction", Verb::kUpdate},
           {"PublishFunction", Verb::kPublish},
           {"DeleteFunction", Verb::kDelete},
           {"ListFunctions", Verb::kList}}};
}

struct StagedFixture : HandlerTestFixture {
  FamilyDefinition definition = StagedDefinition();
  HandlerTable staged;

  StagedFixture() { AddHandlers(definition, staged); }

  // As a client reads the answer: pre-encoded parts decoded.
  Result<Json, ApiError> Run(const std::string& operation, const Json& input) {
    auto ctx = Context();
    auto output = staged.At(operation)(ctx, input);
    const auto shape = model::FindOperation(operation)->output;
    if (!output || shape == model::kNoShape) return output;
    return model::DecodePreEncoded(output.value(), shape);
  }

  std::string Etag(const std::string& stage) {
    auto described = Run("DescribeFunction", {{"Name", "f"}, {"Stage", stage}});
    REQUIRE(described.ok());
    return described.value()["ETag"];
  }
};

Json Config(const std::string& comment) { return {{"Comment", comment}, {"Runtime", "cloudfront-js-2.0"}}; }

TEST_CASE("per-stage: create in DEVELOPMENT, publish to LIVE, each stage with its own ETag") {
  StagedFixture f;
  auto created =
      f.Run("CreateFunction", {{"Name", "f"}, {"FunctionConfig", Config("one")}, {"FunctionCode", "Y29kZQ=="}});
  REQUIRE(created.ok());
  CHECK(created.value()["FunctionSummary"]["FunctionMetadata"]["Stage"] == "DEVELOPMENT");
  CHECK(created.value()["Location"].get<std::string>().ends_with("/2020-05-31/function/f"));
  const std::string development = created.value()["ETag"];
  CHECK(f.Etag("DEVELOPMENT") == development);
  CHECK(f.Run("DescribeFunction", {{"Name", "f"}, {"Stage", "LIVE"}}).error().code == "NoSuchFunctionExists");
  CHECK(f.Run("CreateFunction", {{"Name", "f"}, {"FunctionConfig", Config("two")}}).error().code ==
        "FunctionAlreadyExists");

  CHECK(f.Run("PublishFunction", {{"Name", "f"}}).error().code == "InvalidIfMatchVersion");
  CHECK(f.Run("PublishFunction", {{"Name", "f"}, {"IfMatch", "stale"}}).error().code == "PreconditionFailed");
  CHECK(f.Run("DescribeFunction", {{"Name", "f"}, {"Stage", "LIVE"}}).error().code == "NoSuchFunctionExists");

  auto published = f.Run("PublishFunction", {{"Name", "f"}, {"IfMatch", development}});
  REQUIRE(published.ok());
  CHECK(published.value()["FunctionSummary"]["FunctionMetadata"]["Stage"] == "LIVE");
  const std::string live = f.Etag("LIVE");
  CHECK(live != development);
  CHECK(f.Etag("DEVELOPMENT") == development);  // publishing does not change DEVELOPMENT

  auto updated = f.Run("UpdateFunction", {{"Name", "f"}, {"IfMatch", development}, {"FunctionConfig", Config("two")}});
  REQUIRE(updated.ok());
  CHECK(updated.value()["ETag"] != development);
  auto live_view = f.Run("DescribeFunction", {{"Name", "f"}, {"Stage", "LIVE"}});
  CHECK(live_view.value()["FunctionSummary"]["FunctionConfig"]["Comment"] == "one");  // LIVE is what was published
  CHECK(live_view.value()["ETag"] == live);

  // Publishing again replaces LIVE with a new ETag.
  REQUIRE(f.Run("PublishFunction", {{"Name", "f"}, {"IfMatch", f.Etag("DEVELOPMENT")}}).ok());
  CHECK(f.Etag("LIVE") != live);
  CHECK(f.Run("DescribeFunction", {{"Name", "f"}, {"Stage", "LIVE"}})
            .value()["FunctionSummary"]["FunctionConfig"]["Comment"] == "two");
}

TEST_CASE("per-stage: a list shows the stage asked for; deleting DEVELOPMENT deletes LIVE") {
  StagedFixture f;
  REQUIRE(f.Run("CreateFunction", {{"Name", "f"}, {"FunctionConfig", Config("one")}}).ok());
  REQUIRE(f.Run("CreateFunction", {{"Name", "g"}, {"FunctionConfig", Config("one")}}).ok());
  REQUIRE(f.Run("PublishFunction", {{"Name", "f"}, {"IfMatch", f.Etag("DEVELOPMENT")}}).ok());
  auto live = f.Run("ListFunctions", {{"Stage", "LIVE"}});
  REQUIRE(live.ok());
  CHECK(live.value()["FunctionList"]["Quantity"] == 1);
  CHECK(f.Run("ListFunctions", Json::object()).value()["FunctionList"]["Quantity"] == 2);

  CHECK(f.Run("DeleteFunction", {{"Name", "f"}, {"IfMatch", "stale"}}).error().code == "PreconditionFailed");
  REQUIRE(f.Run("DeleteFunction", {{"Name", "f"}, {"IfMatch", f.Etag("DEVELOPMENT")}}).ok());
  CHECK(f.Run("DescribeFunction", {{"Name", "f"}, {"Stage", "LIVE"}}).error().code == "NoSuchFunctionExists");
  CHECK(f.Run("DescribeFunction", {{"Name", "f"}}).error().code == "NoSuchFunctionExists");
  CHECK(f.Run("DescribeFunction", {{"Name", "g"}}).ok());
}

TEST_CASE("the registry's families fit the model, and a definition that does not is refused") {
  for (const auto* definition : Registry::Get().Families()) {
    CAPTURE(definition->family.kind);
    CHECK(CheckAgainstModel(*definition, Registry::Get().Families()).empty());
  }
  FamilyDefinition wrong = StagedDefinition();
  wrong.family.versioning = Versioning::kNone;  // the model's UpdateFunction takes If-Match
  wrong.operations.push_back({"NoSuchOperation", Verb::kGet});
  const auto problems = CheckAgainstModel(wrong, Registry::Get().Families());
  CHECK(problems.size() >= 3);  // versioning on update and delete, publish, the unknown operation
}

}  // namespace
}  // namespace cfl::engine
