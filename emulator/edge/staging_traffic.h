// Continuous deployment at the edge: which of a primary distribution's
// requests its staging distribution serves, as the primary's continuous
// deployment policy says (developer guide, "Learn how continuous deployment
// works"). A SingleHeader policy sends the requests that carry its header
// with its value; a SingleWeight policy sends its Weight share, drawn
// deterministically: the n-th draw for a primary distribution since the seed
// was set is a hash of (seed, n), so a test that sets the seed
// (PUT /_emulator/edge/traffic) sees the same sequence every run. With
// SessionStickinessConfig the first answer sets a cookie (kSessionCookie) that
// keeps the viewer on the drawn distribution until IdleTTL passes without a
// request or MaximumTTL since the draw, both on the injected clock.
//
// Thread-safe: Decide and SetSeed may run on any number of threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "emulator/common/json.h"

#include "emulator/edge/edge_types.h"

namespace cfl::edge {

// The stickiness cookie. CloudFront documents that it sets one, not its name
// or value; this one's value is "<staging|primary>.<drawn ms>.<last seen ms>".
inline constexpr std::string_view kSessionCookie = "aws-cf-cd-session";

struct StagingDecision {
  bool staging = false;
  std::string set_cookie;  // a Set-Cookie value for the answer, "" for none
};

// Whether the n-th weighted draw under seed goes to staging (weight 0–1).
bool DrawsStaging(std::uint64_t seed, std::uint64_t n, double weight);

class StagingTraffic {
 public:
  // Sets the seed and starts every distribution's draws again from the first.
  void SetSeed(std::uint64_t seed);
  std::uint64_t Seed() const { return seed_.load(); }

  // Where a request to primary_id goes under a ContinuousDeploymentPolicyConfig
  // (a disabled policy, or one the edge cannot read, sends all to the primary).
  StagingDecision Decide(const cfl::Json& policy_config, std::string_view primary_id,
                         const Headers& viewer_headers, std::int64_t now_ms);

 private:
  std::uint64_t NextDraw(std::string_view primary_id);

  std::atomic<std::uint64_t> seed_{0};
  std::mutex mutex_;
  std::unordered_map<std::string, std::uint64_t> draws_;  // draws so far, by primary distribution
};

}  // namespace cfl::edge
