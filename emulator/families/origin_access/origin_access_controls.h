// Origin access controls (S3, MediaStore, MediaPackage v2 and Lambda origins).
#pragma once

#include "emulator/engine/versioned_resources.h"

namespace cfl::handlers {

const ResourceFamily& OriginAccessControlFamily();
void RegisterOriginAccessControlHandlers(HandlerTable& table);

}  // namespace cfl::handlers
