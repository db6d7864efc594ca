#include "emulator/edge/caching.h"

#include <strings.h>

#include <charconv>
#include <ctime>

#include "emulator/edge/geo.h"

namespace cfl::edge {
namespace {

using Pick = Selection::Pick;

std::vector<std::string> ItemNames(const Json& parent, std::string_view list_member) {
  std::vector<std::string> names;
  const auto list = parent.find(list_member);
  if (list == parent.end() || !list->is_object()) return names;
  for (const auto& item : list->value("Items", Json::array())) {
    if (item.is_string()) names.push_back(item.get<std::string>());
  }
  return names;
}

Selection SelectionOf(const Json& parent, std::string_view config_member, std::string_view behavior_member,
                      std::string_view list_member) {
  Selection selection;
  const auto config = parent.find(config_member);
  if (config == parent.end() || !config->is_object()) return selection;
  const std::string behavior = config->value(behavior_member, "none");
  if (behavior == "whitelist") {
    selection.pick = Pick::kListed;
  } else if (behavior == "allExcept") {
    selection.pick = Pick::kAllExcept;
  } else if (behavior == "all" || behavior == "allViewer" || behavior == "allViewerAndWhitelistCloudFront") {
    selection.pick = Pick::kAll;
  }
  selection.names = ItemNames(*config, list_member);
  return selection;
}

std::int64_t IntegerMember(const Json& object, std::string_view name, std::int64_t fallback) {
  const auto found = object.find(name);
  return found != object.end() && found->is_number_integer() ? found->get<std::int64_t>() : fallback;
}

template <typename Visit>
void ForEachPair(std::string_view text, char separator, Visit visit) {
  while (!text.empty()) {
    const auto end = text.find(separator);
    std::string_view pair = text.substr(0, end);
    while (pair.starts_with(' ')) pair.remove_prefix(1);
    if (!pair.empty()) visit(pair.substr(0, pair.find('=')), pair);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

// Cache-Control's directives, names lowercased: "max-age=60" → {"max-age", "60"}.
std::vector<std::pair<std::string, std::string>> Directives(const Headers& headers) {
  std::vector<std::pair<std::string, std::string>> directives;
  for (const auto& [name, value] : headers) {
    if (strcasecmp(name.c_str(), "Cache-Control") != 0) continue;
    ForEachPair(value, ',', [&](std::string_view directive, std::string_view pair) {
      std::string_view argument = pair.size() > directive.size() ? pair.substr(directive.size() + 1) : "";
      while (directive.ends_with(' ')) directive.remove_suffix(1);
      if (argument.starts_with('"') && argument.ends_with('"') && argument.size() >= 2) {
        argument = argument.substr(1, argument.size() - 2);
      }
      directives.emplace_back(Lowercase(directive), std::string(argument));
    });
  }
  return directives;
}

std::optional<std::int64_t> Seconds(std::string_view text) {
  std::int64_t value = 0;
  const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
  if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

bool Selection::Selects(std::string_view name) const {
  const auto listed = [&] {
    for (const auto& candidate : names) {
      if (case_insensitive ? strncasecmp(candidate.c_str(), name.data(), name.size()) == 0 &&
                                 candidate.size() == name.size()
                           : candidate == name) {
        return true;
      }
    }
    return false;
  };
  // The CloudFront-Viewer-* headers the edge adds reach the origin and the
  // key only when a list names them (allViewerAndWhitelistCloudFront's).
  const bool cloudfront_header = case_insensitive && IsCloudFrontViewerHeader(name);
  switch (pick) {
    case Pick::kNone: return false;
    case Pick::kListed: return listed();
    case Pick::kAllExcept: return !cloudfront_header && !listed();
    case Pick::kAll: return !cloudfront_header || listed();
  }
  return false;
}

RequestParts CacheKeyPartsOf(const Json& config) {
  RequestParts parts;
  const auto parameters = config.find("ParametersInCacheKeyAndForwardedToOrigin");
  if (parameters == config.end() || !parameters->is_object()) return parts;
  parts.headers = SelectionOf(*parameters, "HeadersConfig", "HeaderBehavior", "Headers");
  parts.headers.case_insensitive = true;
  parts.cookies = SelectionOf(*parameters, "CookiesConfig", "CookieBehavior", "Cookies");
  parts.query = SelectionOf(*parameters, "QueryStringsConfig", "QueryStringBehavior", "QueryStrings");
  parts.gzip = parameters->value("EnableAcceptEncodingGzip", false);
  parts.brotli = parameters->value("EnableAcceptEncodingBrotli", false);
  return parts;
}

TtlBounds TtlBoundsOf(const Json& config) {
  return {IntegerMember(config, "MinTTL", 0), IntegerMember(config, "DefaultTTL", 86400),
          IntegerMember(config, "MaxTTL", 31536000)};
}

RequestParts ForwardedPartsOf(const Json& config) {
  RequestParts parts;
  parts.headers = SelectionOf(config, "HeadersConfig", "HeaderBehavior", "Headers");
  parts.headers.case_insensitive = true;
  parts.cookies = SelectionOf(config, "CookiesConfig", "CookieBehavior", "Cookies");
  parts.query = SelectionOf(config, "QueryStringsConfig", "QueryStringBehavior", "QueryStrings");
  return parts;
}

RequestParts LegacyPartsOf(const Json& behavior) {
  RequestParts parts;
  const Json forwarded = behavior.value("ForwardedValues", Json::object());
  if (forwarded.value("QueryString", false)) {
    parts.query.names = ItemNames(forwarded, "QueryStringCacheKeys");
    parts.query.pick = parts.query.names.empty() ? Pick::kAll : Pick::kListed;
  }
  const Json cookies = forwarded.value("Cookies", Json::object());
  const std::string forward = cookies.value("Forward", "none");
  parts.cookies.pick = forward == "all" ? Pick::kAll : forward == "whitelist" ? Pick::kListed : Pick::kNone;
  parts.cookies.names = ItemNames(cookies, "WhitelistedNames");
  parts.headers.names = ItemNames(forwarded, "Headers");
  parts.headers.case_insensitive = true;
  const bool all_headers = parts.headers.names.size() == 1 && parts.headers.names[0] == "*";
  parts.headers.pick = all_headers ? Pick::kAll : parts.headers.names.empty() ? Pick::kNone : Pick::kListed;
  // Legacy settings compress with gzip only; the key then tells gzip apart.
  parts.gzip = behavior.value("Compress", false);
  return parts;
}

TtlBounds LegacyTtlBoundsOf(const Json& behavior) {
  return {IntegerMember(behavior, "MinTTL", 0), IntegerMember(behavior, "DefaultTTL", 86400),
          IntegerMember(behavior, "MaxTTL", 31536000)};
}

std::string CacheKey(std::string_view distribution_id, std::string_view path, std::string_view query,
                     const Headers& viewer_headers, const RequestParts& key) {
  std::string text(distribution_id);
  text.append(1, '\n').append(path).append(1, '\n');
  ForEachPair(query, '&', [&](std::string_view name, std::string_view pair) {
    if (key.query.Selects(name)) text.append(pair).append(1, '&');
  });
  text.append(1, '\n');
  for (const auto& [name, value] : viewer_headers) {
    if (key.headers.Selects(name)) text.append(Lowercase(name)).append(1, ':').append(value).append(1, '\n');
    if (strcasecmp(name.c_str(), "Cookie") == 0) {
      ForEachPair(value, ';', [&](std::string_view cookie, std::string_view pair) {
        if (key.cookies.Selects(cookie)) text.append("cookie:").append(pair).append(1, '\n');
      });
    }
    if ((key.gzip || key.brotli) && strcasecmp(name.c_str(), "Accept-Encoding") == 0) {
      // Normalized as CloudFront does: only whether gzip / br is accepted.
      const std::string accepted = Lowercase(value);
      if (key.brotli && accepted.find("br") != std::string::npos) text.append("ae:br\n");
      if (key.gzip && accepted.find("gzip") != std::string::npos) text.append("ae:gzip\n");
    }
  }
  return text;
}

std::string ForwardedQuery(std::string_view query, const RequestParts& key, const RequestParts& extra) {
  std::string forwarded;
  ForEachPair(query, '&', [&](std::string_view name, std::string_view pair) {
    if (!key.query.Selects(name) && !extra.query.Selects(name)) return;
    if (!forwarded.empty()) forwarded += '&';
    forwarded.append(pair);
  });
  return forwarded;
}

std::int64_t TtlSeconds(const TtlBounds& bounds, const Headers& origin_headers, std::int64_t now_ms) {
  std::optional<std::int64_t> max_age, shared_max_age;
  bool refuse = false;
  for (const auto& [name, argument] : Directives(origin_headers)) {
    if (name == "no-store" || name == "no-cache" || name == "private") refuse = true;
    if (name == "max-age") max_age = Seconds(argument);
    if (name == "s-maxage") shared_max_age = Seconds(argument);
  }
  if (refuse) return bounds.min;
  std::optional<std::int64_t> origin_ttl = shared_max_age ? shared_max_age : max_age;
  if (!origin_ttl) {
    const std::string expires = HeaderValue(origin_headers, "Expires");
    if (!expires.empty()) {
      // An Expires that cannot be read is in the past (RFC 9111 5.3).
      const auto at = ParseHttpDate(expires);
      origin_ttl = at && *at > now_ms ? (*at - now_ms) / 1000 : 0;
    }
  }
  if (!origin_ttl) return std::min(std::max(bounds.fallback, bounds.min), bounds.max);
  return std::min(std::max(*origin_ttl, bounds.min), bounds.max);
}

bool InvalidationCovers(std::string_view invalidation_path, std::string_view path) {
  if (invalidation_path.ends_with('*')) {
    invalidation_path.remove_suffix(1);
    return path.starts_with(invalidation_path);
  }
  return invalidation_path == path;
}

std::optional<std::int64_t> ParseHttpDate(std::string_view text) {
  std::tm parts{};
  const std::string copy(text);
  const char* end = strptime(copy.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &parts);
  if (!end || *end != '\0') return std::nullopt;
  return static_cast<std::int64_t>(timegm(&parts)) * 1000;
}

}  // namespace cfl::edge
