// Distributions by their CloudFront domain name (d111111abcdef8.cloudfront.net):
// continuous deployment policies name their staging distribution that way.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "emulator/engine/handler.h"

namespace cfl::families {

// The id of the account's distribution with this domain name, nullopt when
// none has it. A distribution's domain name never changes, so the answer
// stays true for as long as that distribution exists.
std::optional<std::string> DistributionIdByDomain(const engine::RequestContext& ctx, std::string_view domain);

}  // namespace cfl::families
