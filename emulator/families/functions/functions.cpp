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
#include "emulator/families/key_value_stores/key_value_stores.h"
#include "emulator/runtime/function_event.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

constexpr std::string_view kKind = "function";
constexpr std::size_t kMaxCodeBytes = 10 * 1024;   // CloudFront's quota on a function's size
constexpr std::int64_t kMaxFunctionsPerAccount = 100;

bool IsLive(const store::Record& record) { return record.kind != kKind; }

ApiError NoSuchFunction() { return errors::NoSuchFunctionExists("The function does not exist."); }

// The record of the stage input's Stage member names (DEVELOPMENT when absent).
std::optional<store::Record> LoadStage(const RequestContext& ctx, const Json& input) {
  const bool live = StringMember(input, "Stage") == kLiveStage;
  return ctx.services.store.Get(ctx.account, live ? LiveKind(kKind) : std::string(kKind), StringMember(input, "Name"));
}

std::string Status(const RequestContext& ctx, const std::string& name) {
  const std::string live = LiveKind(kKind);
  if (!ctx.services.store.Get(ctx.account, live, name)) return "UNPUBLISHED";
  auto users = ctx.services.store.FindReferencing(ctx.account, store::ReferenceTo(live, name));
  const auto* records = std::get_if<std::vector<store::Record>>(&users);
  return records && !records->empty() ? "ASSOCIATED" : "UNASSOCIATED";
}

Json Summary(const RequestContext& ctx, const Resource& resource) {
  return {{"Name", resource.id()},
          {"Status", Status(ctx, resource.id())},
          {"FunctionConfig", resource.config().value("FunctionConfig", Json::object())},
          {"FunctionMetadata",
           {{"FunctionARN", Arn(ctx.account, "function", resource.id())},
            {"Stage", IsLive(resource.record) ? kLiveStage : kDevelopmentStage},
            {"CreatedTime", FormatIso8601(resource.record.created_ms)},
            {"LastModifiedTime", FormatIso8601(resource.record.modified_ms)}}}};
}

const Json& KeyValueStoreArns(const Json& config) {
  return ItemsOf(MemberOf(MemberOf(config, "FunctionConfig"), "KeyValueStoreAssociations"));
}

Result<Ok, ApiError> Prepare(RequestContext& ctx, Json& config, const Resource* current) {
  if (current) config["Name"] = current->id();  // the path names it; the body has the config and code
  const auto code_bytes = model::Base64DecodedSize(StringMember(config, "FunctionCode"));
  if (code_bytes > kMaxCodeBytes) {
    return Fail(errors::FunctionSizeLimitExceeded("The function code is " + std::to_string(code_bytes) +
                                                  " bytes; a function can be at most " +
                                                  std::to_string(kMaxCodeBytes) + " bytes."));
  }
  const Json stores = KeyValueStoreArns(config);
  if (stores.size() > 1) {
    return Fail(errors::InvalidArgument("A function can be associated with at most one key value store."));
  }
  if (!stores.empty()) {
    const std::string runtime = config["FunctionConfig"].value("Runtime", "");
    if (runtime != "cloudfront-js-2.0") {
      return Fail(errors::InvalidArgument("Only cloudfront-js-2.0 functions can be associated with a key value store."));
    }
    const std::string arn = stores[0].value("KeyValueStoreARN", "");
    if (!KeyValueStoreIdOf(arn, ctx.account)) {
      return Fail(errors::InvalidArgument("The key value store " + arn + " does not exist."));
    }
  }
  return Ok{};
}

// GetFunction: the code of the stage asked for, byte for byte.
Result<Json, ApiError> GetCode(RequestContext& ctx, const Json& input) {
  auto record = LoadStage(ctx, input);
  if (!record) return Fail(NoSuchFunction());
  const Resource resource = ResourceOf(std::move(*record));
  return Json{{"FunctionCode", resource.config().value("FunctionCode", "")},
              {"ETag", resource.etag()},
              {"ContentType", "application/octet-stream"}};
}

runtime::Limits LimitsOf(const RequestContext& ctx) {
  return {std::chrono::milliseconds(ctx.services.settings.function_time_limit_ms.load()),
          ctx.services.settings.function_memory_limit_mb.load() << 20};
}

// The data of the store the function is associated with, when its code reads one.
std::optional<runtime::KeyValueData> StoreOf(const RequestContext& ctx, const Resource& function,
                                             std::string_view code) {
  const Json stores = KeyValueStoreArns(function.config());
  if (stores.empty() || code.find("cloudfront") == std::string_view::npos) return std::nullopt;
  const auto id = KeyValueStoreIdOf(stores[0].value("KeyValueStoreARN", ""), ctx.account);
  return id ? LoadKeyValueData(ctx, *id) : std::nullopt;
}

// TestFunction: runs the stage's code on the event and answers what it did.
Result<Json, ApiError> Test(RequestContext& ctx, const Json& input) {
  auto record = LoadStage(ctx, input);
  if (!record) return Fail(NoSuchFunction());
  // The model lists no PreconditionFailed for TestFunction: a stale ETag is as invalid as none.
  if (StringMember(input, "IfMatch") != record->etag) return Fail(errors::InvalidIfMatchVersion({}));
  const Resource function = ResourceOf(std::move(*record));

  auto event_text = model::Base64Decode(StringMember(input, "EventObject"));
  if (!event_text) return Fail(errors::InvalidArgument("The event object is not valid base64."));
  auto event = runtime::CompleteEvent(*event_text, {.request_id = ctx.request_id});
  if (!event) return Fail(errors::InvalidArgument(std::move(event).error()));
  auto code = model::Base64Decode(StringMember(function.config(), "FunctionCode"));
  runtime::FunctionRuntime runtime = runtime::FunctionRuntime::kJs1;
  runtime::ParseRuntime(function.config().value("FunctionConfig", Json::object()).value("Runtime", ""), runtime);
  if (!ctx.services.functions) return Fail(errors::TestFunctionFailed("No function runtime is configured."));

  const auto store = StoreOf(ctx, function, code.value_or(""));
  const auto result = ctx.services.functions->Run(
      {code.value_or(""), runtime, event.value(), store ? &*store : nullptr}, LimitsOf(ctx));
  if (result.outcome == runtime::ExecutionResult::Outcome::kRuntimeError) {
    return Fail(errors::TestFunctionFailed("The function could not be run: " + result.error));
  }
  Json test = {{"FunctionSummary", Summary(ctx, function)},
               {"ComputeUtilization", std::to_string(result.compute_utilization)},
               {"FunctionExecutionLogs", result.logs},
               {"FunctionErrorMessage", result.error},
               {"FunctionOutput", result.output}};
  return Json{{"TestResult", std::move(test)}};
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
  const auto status = [](const RequestContext& ctx, const store::Record& record) { return Status(ctx, record.id); };
  family.render_variant = status;
  family.summary_variant = status;
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
