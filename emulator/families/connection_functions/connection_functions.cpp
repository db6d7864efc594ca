// Connection functions (viewer mTLS): CreateConnectionFunction,
// DescribeConnectionFunction, GetConnectionFunction, UpdateConnectionFunction,
// DeleteConnectionFunction, ListConnectionFunctions, PublishConnectionFunction,
// TestConnectionFunction (which runs connectionHandler through the same
// executor as CloudFront Functions, runtime/function_executor.h) and
// ListDistributionsByConnectionFunction.
//
// Like CloudFront Functions they have two stages (Versioning::kPerStage),
// DEVELOPMENT edited by Update and LIVE copied from it by Publish, each with
// its own ETag; unlike them they have an Id besides their Name (unique per
// account), which the paths and ARN name. A distribution's
// ConnectionFunctionAssociation names the LIVE stage by Id (a reference row
// in families/references.cpp): a function in use cannot be deleted.
#include "emulator/codec/wire_text.h"
#include "emulator/common/ids.h"
#include "emulator/engine/family.h"
#include "emulator/engine/operations.h"
#include "emulator/engine/resource_naming.h"
#include "emulator/engine/resources.h"
#include "emulator/families/functions/function_stages.h"
#include "emulator/runtime/function_event.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

constexpr std::string_view kKind = "connection-function";
constexpr std::string_view kArnType = "connection-function";
// CloudFront states no figures for connection functions; the emulator keeps
// those of CloudFront Functions (README, "What the emulator decides").
constexpr std::size_t kMaxCodeBytes = 10 * 1024;
constexpr std::int64_t kMaxPerAccount = 100;
// The developer guide: "Connection functions only support JavaScript runtime 2.0."
constexpr std::string_view kRuntime = "cloudfront-js-2.0";

bool IsLive(const store::Record& record) { return record.kind != kKind; }

ApiError NotFound() { return errors::EntityNotFound("The connection function does not exist."); }

Json Summary(const RequestContext& ctx, const Resource& resource) {
  return {{"Name", StringMember(resource.config(), "Name")},
          {"Id", resource.id()},
          {"ConnectionFunctionConfig", resource.config().value("ConnectionFunctionConfig", Json::object())},
          {"ConnectionFunctionArn", Arn(ctx.account, kArnType, resource.id())},
          {"Status", StageStatus(ctx, LiveKind(kKind), resource.id())},
          {"Stage", IsLive(resource.record) ? kLiveStage : kDevelopmentStage},
          {"CreatedTime", FormatIso8601(resource.record.created_ms)},
          {"LastModifiedTime", FormatIso8601(resource.record.modified_ms)}};
}

// The id a path or query names: the function's Id, its Name, or its ARN.
std::optional<std::string> FindId(RequestContext& ctx, const std::string& identifier) {
  if (identifier.empty()) return std::nullopt;
  if (ctx.services.store.Get(ctx.account, kKind, identifier)) return identifier;
  if (const auto arn = ParseArn(identifier)) {
    if (arn->type != kArnType || arn->account != ctx.account) return std::nullopt;
    return ctx.services.store.Get(ctx.account, kKind, arn->id) ? std::optional(arn->id) : std::nullopt;
  }
  const auto page = ctx.services.store.List(
      {ctx.account, std::string(kKind), std::nullopt, "", static_cast<std::size_t>(kMaxPerAccount) * 2, false});
  for (const auto& record : page.records) {
    if (StringMember(ResourceOf(record).config(), "Name") == identifier) return record.id;
  }
  return std::nullopt;
}

Result<Ok, ApiError> Prepare(RequestContext& ctx, Json& config, const Resource* current) {
  if (current) config["Name"] = StringMember(current->config(), "Name");  // an update cannot rename it
  const Json& function_config = MemberOf(config, "ConnectionFunctionConfig");
  if (StringMember(function_config, "Runtime") != kRuntime) {
    return Fail(errors::InvalidArgument("Connection functions support only the " + std::string(kRuntime) +
                                        " runtime, not " + StringMember(function_config, "Runtime") + "."));
  }
  return CheckFunction(ctx, function_config, StringMember(config, "ConnectionFunctionCode"), kMaxCodeBytes,
                       errors::EntitySizeLimitExceeded);
}

// The stage the input names (Stage, DEVELOPMENT when absent) of the function its identifier names.
Result<store::Record, ApiError> LoadNamedStage(RequestContext& ctx, const Json& input, std::string_view member) {
  const auto id = FindId(ctx, StringMember(input, member));
  auto record = id ? LoadStage(ctx, kKind, input, *id) : std::nullopt;
  if (!record) return Fail(NotFound());
  return std::move(*record);
}

// GetConnectionFunction: the code of the stage asked for, byte for byte.
Result<Json, ApiError> GetCode(RequestContext& ctx, const Json& input) {
  auto record = LoadNamedStage(ctx, input, "Identifier");
  if (!record) return Fail(std::move(record).error());
  const Resource function = ResourceOf(std::move(record).value());
  return Json{{"ConnectionFunctionCode", StringMember(function.config(), "ConnectionFunctionCode")},
              {"ETag", function.etag()},
              {"ContentType", "application/octet-stream"}};
}

// TestConnectionFunction: runs the stage's connectionHandler on the
// connection object and answers what it decided and logged.
Result<Json, ApiError> Test(RequestContext& ctx, const Json& input) {
  const std::string if_match = StringMember(input, "IfMatch");
  if (if_match.empty()) return Fail(errors::InvalidIfMatchVersion({}));
  auto record = LoadNamedStage(ctx, input, "Id");
  if (!record) return Fail(std::move(record).error());
  if (if_match != record->etag) return Fail(errors::PreconditionFailed({}));
  const Resource function = ResourceOf(std::move(record).value());

  auto connection_text = model::Base64Decode(StringMember(input, "ConnectionObject"));
  if (!connection_text) return Fail(errors::InvalidArgument("The connection object is not valid base64."));
  auto connection = runtime::CompleteConnectionEvent(*connection_text);
  if (!connection) return Fail(errors::InvalidArgument(std::move(connection).error()));
  auto test = TestRun(ctx,
                      {.function_config = MemberOf(function.config(), "ConnectionFunctionConfig"),
                       .code_base64 = StringMember(function.config(), "ConnectionFunctionCode"),
                       .event_json = connection.value(),
                       .kind = runtime::FunctionKind::kConnection},
                      "ConnectionFunction");
  if (!test) return Fail(std::move(test).error());
  test.value()["ConnectionFunctionSummary"] = Summary(ctx, function);
  return Json{{"ConnectionFunctionTestResult", std::move(test).value()}};
}

// The distributions whose ConnectionFunctionAssociation names the function
// (its LIVE stage), in creation order, as distribution summaries.
Result<Json, ApiError> ListDistributionsByConnectionFunction(RequestContext& ctx, const Json& input) {
  const auto id = FindId(ctx, StringMember(input, "ConnectionFunctionIdentifier"));
  if (!id) return Fail(NotFound());
  return ListRecordsReferencing(ctx, "ListDistributionsByConnectionFunction", "distribution", LiveKind(kKind), *id,
                                input);
}

FamilyDefinition MakeDefinition() {
  Family family;
  family.kind = kKind;
  family.noun = "connection function";
  family.arn_type = kArnType;
  family.versioning = Versioning::kPerStage;
  family.errors = {
      .not_found = {errors::EntityNotFound, "The connection function does not exist."},
      .already_exists = {errors::EntityAlreadyExists, "A connection function with this name already exists."},
      .limit = {errors::EntityLimitExceeded,
                "You have reached the maximum number of connection functions (100) for this account."}};
  // Unique names as a key of the family's own, not unique_name_member: an
  // update cannot rename (Prepare keeps the Name), so it never collides, and
  // UpdateConnectionFunction lists no EntityAlreadyExists.
  family.unique_keys = [](const Json& config) {
    return std::vector<std::string>{"connection-function-name:" + StringMember(config, "Name")};
  };
  family.key_conflict = [](const store::StoreError& error) {
    return errors::EntityAlreadyExists("A connection function with this name already exists: " + error.conflicting_id);
  };
  family.taggable = true;
  family.max_per_account = [](const RequestContext&) -> std::optional<std::int64_t> { return kMaxPerAccount; };
  // CloudFront's id format (E + 13 uppercase alphanumerics), as its distributions'.
  family.new_id = ids::DistributionId;
  family.find_id = FindId;
  family.prepare = Prepare;
  family.render = [](const RequestContext& ctx, const Resource& resource, bool) { return Summary(ctx, resource); };
  family.summarize = Summary;
  VaryWithStageStatus(family);
  const std::vector<ErrorSpec> config_rules = {errors::InvalidArgument, errors::EntitySizeLimitExceeded};
  return {std::move(family),
          {{"CreateConnectionFunction", Verb::kCreate, nullptr, {}, config_rules},
           {"DescribeConnectionFunction", Verb::kGet},
           {.name = "GetConnectionFunction",
            .verb = Verb::kCustom,
            .custom = GetCode,
            .raises = {errors::EntityNotFound},
            .family_rules = false},
           {"UpdateConnectionFunction", Verb::kUpdate, nullptr, {}, config_rules},
           {"DeleteConnectionFunction", Verb::kDelete},
           {"ListConnectionFunctions", Verb::kList},
           {"PublishConnectionFunction", Verb::kPublish},
           {.name = "TestConnectionFunction",
            .verb = Verb::kCustom,
            .custom = Test,
            .raises = {errors::EntityNotFound, errors::InvalidIfMatchVersion, errors::PreconditionFailed,
                       errors::InvalidArgument, errors::TestFunctionFailed},
            .family_rules = false},
           {.name = "ListDistributionsByConnectionFunction",
            .verb = Verb::kCustom,
            .custom = ListDistributionsByConnectionFunction,
            .raises = {errors::EntityNotFound, errors::InvalidArgument},
            .family_rules = false}}};
}

}  // namespace

const engine::FamilyDefinition& ConnectionFunctionDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

}  // namespace cfl::families
