#include "emulator/handlers/distributions.h"
#include "emulator/handlers/streaming_distributions.h"
#include "emulator/handlers/tagging.h"

namespace cfl::handlers {

HandlerTable AllHandlers() {
  HandlerTable table;
  RegisterDistributionHandlers(table);
  RegisterStreamingDistributionHandlers(table);
  RegisterTaggingHandlers(table);
  return table;
}

}  // namespace cfl::handlers
