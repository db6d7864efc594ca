// Streaming (RTMP) distributions: discontinued by AWS in 2020 but still in
// the 2020-05-31 API, and still called by legacy code.
#pragma once

#include "emulator/engine/versioned_resources.h"

namespace cfl::handlers {

const ResourceFamily& StreamingDistributionFamily();
void RegisterStreamingDistributionHandlers(HandlerTable& table);

}  // namespace cfl::handlers
