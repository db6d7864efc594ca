// What the families of functions share (CloudFront Functions and connection
// functions): the rules of a FunctionConfig and its code, a stage's status,
// the stage an input names, and running a stage's code through the
// executor (runtime/function_executor.h) on the request's limits.
//
// Thread safety: every function may be called from any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "emulator/engine/family.h"
#include "emulator/runtime/function_executor.h"

namespace cfl::families {

// A function's FunctionConfig and its code (base64, as stored), and which
// errors answer its rules: checks the code's size (too_large past
// max_code_bytes), at most one key value store, which must exist in the
// account and needs cloudfront-js-2.0 (InvalidArgument).
Result<Ok, ApiError> CheckFunction(engine::RequestContext& ctx, const engine::Json& function_config,
                                   std::string_view code_base64, std::size_t max_code_bytes,
                                   engine::ErrorFactory too_large);

// The status a stage shows: UNPUBLISHED until the LIVE stage (kind
// live_kind) exists, then ASSOCIATED while some record references it, else
// UNASSOCIATED.
std::string StageStatus(const engine::RequestContext& ctx, std::string_view live_kind, const std::string& id);

// Makes what Get and List keep of a per-stage family's answers vary with
// StageStatus, which a distribution's association changes without a new
// version of the function (Family::render_variant, summary_variant).
void VaryWithStageStatus(engine::Family& family);

// The record of the stage the input's Stage member names (DEVELOPMENT when
// absent) of a per-stage family of kind: nullopt when there is none.
std::optional<store::Record> LoadStage(const engine::RequestContext& ctx, std::string_view kind,
                                       const engine::Json& input, const std::string& id);

// The run of a stored function's code on an event (JSON text): its
// runtime is FunctionConfig's, its key value store the associated one when
// the code reads one. fail answers a function runtime that cannot run at all.
struct FunctionRun {
  const engine::Json& function_config;
  std::string_view code_base64;
  std::string_view event_json;
  runtime::FunctionKind kind = runtime::FunctionKind::kViewer;
};
Result<runtime::ExecutionResult, ApiError> RunFunction(const engine::RequestContext& ctx, const FunctionRun& run,
                                                       engine::ErrorFactory fail);

// What TestFunction and TestConnectionFunction answer of a run (a runtime
// that cannot run at all is TestFunctionFailed): ComputeUtilization, and
// the output, logs and error message under members named with prefix
// ("Function": FunctionOutput, FunctionExecutionLogs, FunctionErrorMessage).
Result<engine::Json, ApiError> TestRun(const engine::RequestContext& ctx, const FunctionRun& run,
                                       std::string_view prefix);

}  // namespace cfl::families
