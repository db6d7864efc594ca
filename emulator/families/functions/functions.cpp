// CloudFront Functions: CreateFunction, DescribeFunction, GetFunction,
// UpdateFunction, DeleteFunction, ListFunctions, PublishFunction and
// TestFunction, which runs the code (runtime/function_executor.h).
// Functions are named by Name, per account; DEVELOPMENT is edited, LIVE is
// what PublishFunction copied from it (Versioning::kPerStage), each stage
// with its own ETag. Status: UNPUBLISHED until published, then UNASSOCIATED,
// or ASSOCIATED while a distribution's cache behavior names the LIVE ARN.
#include "emulator/codec/wire_text.h"
#include "emulator/engine/family.h"
#include "emulator/engine/resource_naming.h"
#include "emulator/engine/resources.h"
#include "emulator/families/functions/function_stages.h"
#include "emulator/runtime/function_event.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

constexpr std::string_view kKind = "function";
constexpr std::size_t kMaxCodeBytes = 10 * 1024;   // CloudFront's quota on a function's size
constexpr std::int64_t kMaxFunctionsPerAccount = 100;

bool IsLive(const store::Record& record) { return record.kind != kKind; }

ApiError NoSuchFunction() { return errors::NoSuchFunctionExists("The function does not exist."); }

Json Summary(const RequestContext& ctx, const Resource& resource) {
  return {{"Name", resource.id()},
          {"Status", StageStatus(ctx, LiveKind(kKind), resource.id())},
          {"FunctionConfig", resource.config().value("FunctionConfig", Json::object())},
          {"FunctionMetadata",
           {{"FunctionARN", Arn(ctx.account, "function", resource.id())},
            {"Stage", IsLive(resource.record) ? kLiveStage : kDevelopmentStage},
            {"CreatedTime", FormatIso8601(resource.record.created_ms)},
            {"LastModifiedTime", FormatIso8601(resource.record.modified_ms)}}}};
}

Result<Ok, ApiError> Prepare(RequestContext& ctx, Json& config, const Resource* current) {
  if (current) config["Name"] = current->id();  // the path names it; the body has the config and code
  return CheckFunction(ctx, MemberOf(config, "FunctionConfig"), StringMember(config, "FunctionCode"), kMaxCodeBytes,
                       errors::FunctionSizeLimitExceeded);
}

// GetFunction: the code of the stage asked for, byte for byte.
Result<Json, ApiError> GetCode(RequestContext& ctx, const Json& input) {
  auto record = LoadStage(ctx, kKind, input, StringMember(input, "Name"));
  if (!record) return Fail(NoSuchFunction());
  const Resource resource = ResourceOf(std::move(*record));
  return Json{{"FunctionCode", resource.config().value("FunctionCode", "")},
              {"ETag", resource.etag()},
              {"ContentType", "application/octet-stream"}};
}

// TestFunction: runs the stage's code on the event and answers what it did.
Result<Json, ApiError> Test(RequestContext& ctx, const Json& input) {
  auto record = LoadStage(ctx, kKind, input, StringMember(input, "Name"));
  if (!record) return Fail(NoSuchFunction());
  // The model lists no PreconditionFailed for TestFunction: a stale ETag is as invalid as none.
  if (StringMember(input, "IfMatch") != record->etag) return Fail(errors::InvalidIfMatchVersion({}));
  const Resource function = ResourceOf(std::move(*record));

  auto event_text = model::Base64Decode(StringMember(input, "EventObject"));
  if (!event_text) return Fail(errors::InvalidArgument("The event object is not valid base64."));
  auto event = runtime::CompleteEvent(*event_text, {.request_id = ctx.request_id});
  if (!event) return Fail(errors::InvalidArgument(std::move(event).error()));
  auto test = TestRun(ctx,
                      {.function_config = MemberOf(function.config(), "FunctionConfig"),
                       .code_base64 = StringMember(function.config(), "FunctionCode"),
                       .event_json = event.value()},
                      "Function");
  if (!test) return Fail(std::move(test).error());
  test.value()["FunctionSummary"] = Summary(ctx, function);
  return Json{{"TestResult", std::move(test).value()}};
}

FamilyDefinition MakeDefinition() {
  Family family;
  family.kind = kKind;
  family.noun = "function";
  family.arn_type = "function";
  family.versioning = Versioning::kPerStage;
  family.errors = {.not_found = {errors::NoSuchFunctionExists, "The function does not exist."},
                   .already_exists = {errors::FunctionAlreadyExists, "A function with this name already exists."},
                   .limit = {errors::TooManyFunctions,
                             "You have reached the maximum number of CloudFront functions (100) for this account."}};
  family.id_member = "Name";
  family.taggable = true;
  family.max_per_account = [](const RequestContext&) -> std::optional<std::int64_t> { return kMaxFunctionsPerAccount; };
  family.prepare = Prepare;
  family.render = [](const RequestContext& ctx, const Resource& resource, bool) { return Summary(ctx, resource); };
  family.summarize = Summary;
  VaryWithStageStatus(family);
  const std::vector<ErrorSpec> config_rules = {errors::InvalidArgument, errors::FunctionSizeLimitExceeded};
  return {std::move(family),
          {{"CreateFunction", Verb::kCreate, nullptr, {}, config_rules},
           {"DescribeFunction", Verb::kGet},
           {"GetFunction", Verb::kCustom, GetCode, {}, {errors::NoSuchFunctionExists}},
           {"UpdateFunction", Verb::kUpdate, nullptr, {}, config_rules},
           {"DeleteFunction", Verb::kDelete},
           {"ListFunctions", Verb::kList},
           {"PublishFunction", Verb::kPublish},
           {"TestFunction", Verb::kCustom, Test, {},
            {errors::NoSuchFunctionExists, errors::InvalidIfMatchVersion, errors::InvalidArgument,
             errors::TestFunctionFailed}}}};
}

}  // namespace

const engine::FamilyDefinition& FunctionDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

}  // namespace cfl::families
