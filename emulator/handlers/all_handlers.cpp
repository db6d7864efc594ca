#include "emulator/handlers/cache_policies.h"
#include "emulator/handlers/distributions.h"
#include "emulator/handlers/distributions_by_reference.h"
#include "emulator/handlers/invalidations.h"
#include "emulator/handlers/key_groups.h"
#include "emulator/handlers/origin_access_controls.h"
#include "emulator/handlers/origin_access_identities.h"
#include "emulator/handlers/origin_request_policies.h"
#include "emulator/handlers/public_keys.h"
#include "emulator/handlers/response_headers_policies.h"
#include "emulator/handlers/streaming_distributions.h"
#include "emulator/handlers/tagging.h"

namespace cfl::handlers {

HandlerTable AllHandlers() {
  HandlerTable table;
  RegisterDistributionHandlers(table);
  RegisterStreamingDistributionHandlers(table);
  RegisterTaggingHandlers(table);
  RegisterInvalidationHandlers(table);
  RegisterOriginAccessIdentityHandlers(table);
  RegisterOriginAccessControlHandlers(table);
  RegisterCachePolicyHandlers(table);
  RegisterOriginRequestPolicyHandlers(table);
  RegisterResponseHeadersPolicyHandlers(table);
  RegisterPublicKeyHandlers(table);
  RegisterKeyGroupHandlers(table);
  RegisterDistributionsByReferenceHandlers(table);
  return table;
}

}  // namespace cfl::handlers
