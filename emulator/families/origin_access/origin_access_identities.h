// CloudFront origin access identities (legacy S3 origin access).
#pragma once

#include "emulator/engine/versioned_resources.h"

namespace cfl::handlers {

const ResourceFamily& OriginAccessIdentityFamily();
void RegisterOriginAccessIdentityHandlers(HandlerTable& table);

}  // namespace cfl::handlers
