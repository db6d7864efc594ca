// The JavaScript that runs a CloudFront function inside njs (see njs_driver.cpp).
#pragma once

#include <string_view>

namespace cfl::runtime {

// "(function (input) {…})": the script njs runs is this, then "(INPUT);" with
// INPUT the JSON object {code, runtime (1 or 2), kind ("viewer" or
// "connection")}. Once compiled, it reads the run's JSON object {nonce, event,
// store (or null: {id, created, modified (epoch ms), entries: [[key, value],
// …]}), logLimit} from descriptor 3 until its end. It prints "NONCE ready"
// before calling the handler and "NONCE RESULT" when done, RESULT being
// {output} or {error}, with logs and ms.
std::string_view NjsDriverSource();

}  // namespace cfl::runtime
