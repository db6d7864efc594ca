#include "emulator/families/policies/cache_policies.h"
#include "emulator/families/distributions/distributions.h"
#include "emulator/families/distributions/distributions_by_reference.h"
#include "emulator/families/distributions/invalidations.h"
#include "emulator/families/signing_keys/key_groups.h"
#include "emulator/families/origin_access/origin_access_controls.h"
#include "emulator/families/origin_access/origin_access_identities.h"
#include "emulator/families/policies/origin_request_policies.h"
#include "emulator/families/signing_keys/public_keys.h"
#include "emulator/families/policies/response_headers_policies.h"
#include "emulator/families/streaming/streaming_distributions.h"
#include "emulator/families/tagging/tagging.h"

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
