#include "emulator/edge/behaviors.h"

namespace cfl::edge {
namespace {

const Json& Items(const Json& parent, std::string_view member) {
  static const Json kNone = Json::array();
  const auto list = parent.find(member);
  if (list == parent.end() || !list->is_object()) return kNone;
  const auto items = list->find("Items");
  return items != list->end() && items->is_array() ? *items : kNone;
}

}  // namespace

bool WildcardMatches(std::string_view pattern, std::string_view text) {
  // Greedy matching with one backtrack point (the last '*'): linear in
  // practice, O(pattern × text) at worst, both bounded by the request limits.
  std::size_t p = 0, s = 0;
  std::size_t star = std::string_view::npos, star_s = 0;
  while (s < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[s])) {
      ++p;
      ++s;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_s = s;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      s = ++star_s;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool PathPatternMatches(std::string_view pattern, std::string_view path) {
  if (!pattern.starts_with('/') && path.starts_with('/')) path.remove_prefix(1);
  return WildcardMatches(pattern, path);
}

const Json& SelectBehavior(const Json& config, std::string_view path) {
  for (const auto& behavior : Items(config, "CacheBehaviors")) {
    const auto pattern = behavior.find("PathPattern");
    if (pattern != behavior.end() && pattern->is_string() &&
        PathPatternMatches(pattern->get_ref<const std::string&>(), path)) {
      return behavior;
    }
  }
  static const Json kNone = Json::object();
  const auto fallback = config.find("DefaultCacheBehavior");
  return fallback != config.end() && fallback->is_object() ? *fallback : kNone;
}

const Json* FindOrigin(const Json& config, std::string_view origin_id) {
  for (const auto& origin : Items(config, "Origins")) {
    if (origin.value("Id", "") == origin_id) return &origin;
  }
  return nullptr;
}

bool MethodAllowed(const Json& behavior, std::string_view method) {
  const auto allowed = behavior.find("AllowedMethods");
  if (allowed == behavior.end() || !allowed->is_object()) return method == "GET" || method == "HEAD";
  for (const auto& item : Items(behavior, "AllowedMethods")) {
    if (item.is_string() && item.get_ref<const std::string&>() == method) return true;
  }
  return false;
}

}  // namespace cfl::edge
