#pragma once

#include "emulator/handlers/handler.h"

namespace cfl::handlers {

void RegisterTaggingHandlers(HandlerTable& table);

}  // namespace cfl::handlers
