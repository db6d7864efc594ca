#include "emulator/families/functions/function_stages.h"

#include "emulator/codec/wire_text.h"
#include "emulator/engine/resources.h"
#include "emulator/families/key_value_stores/key_value_stores.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: written in the engine's terms

const Json& KeyValueStoreArns(const Json& function_config) {
  return ItemsOf(MemberOf(function_config, "KeyValueStoreAssociations"));
}

runtime::Limits LimitsOf(const RequestContext& ctx) {
  return {std::chrono::milliseconds(ctx.services.settings.function_time_limit_ms.load()),
          ctx.services.settings.function_memory_limit_mb.load() << 20};
}

// The data of the store the function is associated with, when its code reads one.
std::optional<runtime::KeyValueData> StoreOf(const RequestContext& ctx, const Json& function_config,
                                             std::string_view code) {
  const Json& stores = KeyValueStoreArns(function_config);
  if (stores.empty() || code.find("cloudfront") == std::string_view::npos) return std::nullopt;
  const auto id = KeyValueStoreIdOf(StringMember(stores[0], "KeyValueStoreARN"), ctx.account);
  return id ? LoadKeyValueData(ctx, *id) : std::nullopt;
}

}  // namespace

Result<Ok, ApiError> CheckFunction(RequestContext& ctx, const Json& function_config, std::string_view code_base64,
                                   std::size_t max_code_bytes, ErrorFactory too_large) {
  const auto code_bytes = model::Base64DecodedSize(code_base64);
  if (code_bytes > max_code_bytes) {
    return Fail(too_large("The function code is " + std::to_string(code_bytes) + " bytes; a function can be at most " +
                          std::to_string(max_code_bytes) + " bytes."));
  }
  const Json& stores = KeyValueStoreArns(function_config);
  if (stores.size() > 1) {
    return Fail(errors::InvalidArgument("A function can be associated with at most one key value store."));
  }
  if (!stores.empty()) {
    if (StringMember(function_config, "Runtime") != "cloudfront-js-2.0") {
      return Fail(errors::InvalidArgument("Only cloudfront-js-2.0 functions can be associated with a key value store."));
    }
    const std::string arn = StringMember(stores[0], "KeyValueStoreARN");
    if (!KeyValueStoreIdOf(arn, ctx.account)) {
      return Fail(errors::InvalidArgument("The key value store " + arn + " does not exist."));
    }
  }
  return Ok{};
}

std::string StageStatus(const RequestContext& ctx, std::string_view live_kind, const std::string& id) {
  if (!ctx.services.store.Get(ctx.account, live_kind, id)) return "UNPUBLISHED";
  auto users = ctx.services.store.FindReferencing(ctx.account, store::ReferenceTo(live_kind, id));
  const auto* records = std::get_if<std::vector<store::Record>>(&users);
  return records && !records->empty() ? "ASSOCIATED" : "UNASSOCIATED";
}

void VaryWithStageStatus(Family& family) {
  const auto status = [live_kind = LiveKind(family.kind)](const RequestContext& ctx, const store::Record& record) {
    return StageStatus(ctx, live_kind, record.id);
  };
  family.render_variant = status;
  family.summary_variant = status;
}

std::optional<store::Record> LoadStage(const RequestContext& ctx, std::string_view kind, const Json& input,
                                       const std::string& id) {
  const bool live = StringMember(input, "Stage") == kLiveStage;
  return ctx.services.store.Get(ctx.account, live ? LiveKind(kind) : std::string(kind), id);
}

Result<runtime::ExecutionResult, ApiError> RunFunction(const RequestContext& ctx, const FunctionRun& run,
                                                       ErrorFactory fail) {
  if (!ctx.services.functions) return Fail(fail("No function runtime is configured."));
  const auto code = model::Base64Decode(run.code_base64);
  runtime::FunctionRuntime runtime = runtime::FunctionRuntime::kJs1;
  runtime::ParseRuntime(StringMember(run.function_config, "Runtime"), runtime);
  const auto store = StoreOf(ctx, run.function_config, code.value_or(""));
  auto result = ctx.services.functions->Run(
      {code.value_or(""), runtime, run.event_json, store ? &*store : nullptr, run.kind}, LimitsOf(ctx));
  if (result.outcome == runtime::ExecutionResult::Outcome::kRuntimeError) {
    return Fail(fail("The function could not be run: " + result.error));
  }
  return result;
}

Result<Json, ApiError> TestRun(const RequestContext& ctx, const FunctionRun& run, std::string_view prefix) {
  auto result = RunFunction(ctx, run, errors::TestFunctionFailed);
  if (!result) return Fail(std::move(result).error());
  const std::string name(prefix);
  return Json{{"ComputeUtilization", std::to_string(result->compute_utilization)},
              {name + "ExecutionLogs", std::move(result->logs)},
              {name + "ErrorMessage", std::move(result->error)},
              {name + "Output", std::move(result->output)}};
}

}  // namespace cfl::families
