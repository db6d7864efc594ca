#include "emulator/edge/staging_traffic.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <strings.h>

namespace cfl::edge {
namespace {

using Json = cfl::Json;

// Distributions whose draws are counted before the counts start again: a
// bound on memory, far above what a test run makes.
constexpr std::size_t kMaxCountedDistributions = 100000;

std::uint64_t SplitMix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

struct Session {
  bool staging = false;
  std::int64_t drawn_ms = 0;
  std::int64_t seen_ms = 0;
};

std::optional<std::int64_t> Number(std::string_view text) {
  std::int64_t value = 0;
  const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || parsed.ec != std::errc() || parsed.ptr != text.data() + text.size() || value < 0) {
    return std::nullopt;
  }
  return value;
}

// The session the viewer's cookie names, if well formed.
std::optional<Session> SessionOf(const Headers& viewer_headers) {
  for (const auto& [name, value] : viewer_headers) {
    if (strcasecmp(name.c_str(), "Cookie") != 0) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto end = rest.find(';');
      std::string_view pair = rest.substr(0, end);
      while (pair.starts_with(' ')) pair.remove_prefix(1);
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      if (!pair.starts_with(kSessionCookie) || pair.size() <= kSessionCookie.size() ||
          pair[kSessionCookie.size()] != '=') {
        continue;
      }
      std::string_view text = pair.substr(kSessionCookie.size() + 1);
      const auto first = text.find('.');
      const auto second = first == std::string_view::npos ? first : text.find('.', first + 1);
      if (second == std::string_view::npos) return std::nullopt;
      const auto which = text.substr(0, first);
      const auto drawn = Number(text.substr(first + 1, second - first - 1));
      const auto seen = Number(text.substr(second + 1));
      if ((which != "staging" && which != "primary") || !drawn || !seen || *seen < *drawn) return std::nullopt;
      return Session{which == "staging", *drawn, *seen};
    }
  }
  return std::nullopt;
}

std::string SetCookieFor(const Session& session, std::int64_t now_ms, std::int64_t idle_s, std::int64_t max_s) {
  const std::int64_t left_s = std::max<std::int64_t>(0, std::min(idle_s, max_s - (now_ms - session.drawn_ms) / 1000));
  return std::string(kSessionCookie) + "=" + (session.staging ? "staging" : "primary") + "." +
         std::to_string(session.drawn_ms) + "." + std::to_string(now_ms) + "; Path=/; Max-Age=" +
         std::to_string(left_s) + "; HttpOnly";
}

bool HeaderMatches(const Json& single, const Headers& viewer_headers) {
  const std::string header = single.value("Header", "");
  const std::string wanted = single.value("Value", "");
  if (header.empty()) return false;
  for (const auto& [name, value] : viewer_headers) {
    if (strcasecmp(name.c_str(), header.c_str()) == 0 && value == wanted) return true;
  }
  return false;
}

}  // namespace

bool DrawsStaging(std::uint64_t seed, std::uint64_t n, double weight) {
  if (weight <= 0) return false;
  const std::uint64_t drawn = SplitMix64(SplitMix64(seed) ^ n);
  // 53 bits make a uniform double in [0, 1).
  return static_cast<double>(drawn >> 11) * (1.0 / 9007199254740992.0) < weight;
}

void StagingTraffic::SetSeed(std::uint64_t seed) {
  std::lock_guard lock(mutex_);
  seed_ = seed;
  draws_.clear();
}

std::uint64_t StagingTraffic::NextDraw(std::string_view primary_id) {
  std::lock_guard lock(mutex_);
  if (draws_.size() >= kMaxCountedDistributions) draws_.clear();
  return draws_[std::string(primary_id)]++;
}

StagingDecision StagingTraffic::Decide(const Json& policy_config, std::string_view primary_id,
                                       const Headers& viewer_headers, std::int64_t now_ms) {
  if (!policy_config.is_object() || !policy_config.value("Enabled", false)) return {};
  const auto traffic = policy_config.find("TrafficConfig");
  if (traffic == policy_config.end() || !traffic->is_object()) return {};
  const std::string type = traffic->value("Type", "");
  if (type == "SingleHeader") {
    const auto single = traffic->find("SingleHeaderConfig");
    return {single != traffic->end() && single->is_object() && HeaderMatches(*single, viewer_headers), ""};
  }
  if (type != "SingleWeight") return {};
  const auto single = traffic->find("SingleWeightConfig");
  if (single == traffic->end() || !single->is_object()) return {};
  const auto weight = single->find("Weight");
  const double share = weight != single->end() && weight->is_number() ? weight->get<double>() : 0.0;
  const auto stickiness = single->find("SessionStickinessConfig");
  if (stickiness == single->end() || !stickiness->is_object()) {
    return {DrawsStaging(seed_.load(), NextDraw(primary_id), share), ""};
  }
  const std::int64_t idle_s = stickiness->value("IdleTTL", std::int64_t{300});
  const std::int64_t max_s = stickiness->value("MaximumTTL", std::int64_t{3600});
  auto session = SessionOf(viewer_headers);
  const bool current = session && session->seen_ms <= now_ms && now_ms - session->seen_ms <= idle_s * 1000 &&
                       now_ms - session->drawn_ms <= max_s * 1000;
  if (!current) session = Session{DrawsStaging(seed_.load(), NextDraw(primary_id), share), now_ms, now_ms};
  return {session->staging, SetCookieFor(*session, now_ms, idle_s, max_s)};
}

}  // namespace cfl::edge
