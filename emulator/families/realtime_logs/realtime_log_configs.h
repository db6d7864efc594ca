// Real-time log configs, as other families name them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cfl::families {

// The name in "arn:aws:cloudfront::ACCOUNT:realtime-log-config/NAME", nullopt
// when the value is not such an ARN.
std::optional<std::string> RealtimeLogConfigName(std::string_view arn);

}  // namespace cfl::families
