#pragma once

#include "emulator/engine/handler.h"

namespace cfl::handlers {

void RegisterTaggingHandlers(HandlerTable& table);

}  // namespace cfl::handlers
