// What njs accepts but a CloudFront runtime does not: njs 0.7.9 runs
// const, let, async/await and import in any script, while cloudfront-js-1.0
// has none of them. A scan of the code's tokens (comments, strings, template
// literals and regular expressions skipped) finds them before njs runs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "emulator/runtime/function_executor.h"

namespace cfl::runtime {

// The SyntaxError for the first token runtime does not support, worded as
// njs words its own ("SyntaxError: Token "const" not supported in
// cloudfront-js-1.0 in 3"); nullopt when there is none.
std::optional<std::string> FindUnsupportedSyntax(std::string_view code, FunctionRuntime runtime);

}  // namespace cfl::runtime
