#include "emulator/edge/caching.h"

#include <doctest/doctest.h>

namespace cfl::edge {

TEST_CASE("TTL: the policy's default without origin directives, else the origin's bounded by min and max") {
  const TtlBounds bounds{10, 100, 1000};
  CHECK(TtlSeconds(bounds, {}, 0) == 100);
  CHECK(TtlSeconds(bounds, {{"Cache-Control", "public, max-age=500"}}, 0) == 500);
  CHECK(TtlSeconds(bounds, {{"cache-control", "max-age=5"}}, 0) == 10);
  CHECK(TtlSeconds(bounds, {{"Cache-Control", "max-age=5000"}}, 0) == 1000);
  CHECK(TtlSeconds(bounds, {{"Cache-Control", "max-age=500, s-maxage=50"}}, 0) == 50);  // s-maxage first
  CHECK(TtlSeconds(bounds, {{"Cache-Control", "no-store"}}, 0) == 10);                 // min > 0: min
  CHECK(TtlSeconds({0, 100, 1000}, {{"Cache-Control", "private, max-age=60"}}, 0) == 0);
  CHECK(TtlSeconds({0, 100, 1000}, {{"Cache-Control", "no-cache"}}, 0) == 0);
  CHECK(TtlSeconds({0, 0, 0}, {{"Cache-Control", "max-age=60"}}, 0) == 0);  // CachingDisabled
  const std::int64_t now = 784111777000;                                    // Sun, 06 Nov 1994 08:49:37 GMT
  CHECK(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT") == now);
  CHECK(TtlSeconds(bounds, {{"Expires", "Sun, 06 Nov 1994 08:59:37 GMT"}}, now) == 600);
  CHECK(TtlSeconds(bounds, {{"Expires", "garbage"}}, now) == 10);  // in the past: min
}

TEST_CASE("cache key: only the selected query parameters, headers and cookies") {
  const Json policy = Json::parse(R"({"MinTTL": 1, "ParametersInCacheKeyAndForwardedToOrigin": {
      "EnableAcceptEncodingGzip": true,
      "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": {"Quantity": 1, "Items": ["X-Lang"]}},
      "CookiesConfig": {"CookieBehavior": "whitelist", "Cookies": {"Quantity": 1, "Items": ["session"]}},
      "QueryStringsConfig": {"QueryStringBehavior": "allExcept", "QueryStrings": {"Quantity": 1, "Items": ["utm"]}}}})");
  const RequestParts key = CacheKeyPartsOf(policy);
  const auto key_of = [&](std::string_view query, const Headers& headers) {
    return CacheKey("E1", "/p", query, headers, key);
  };
  CHECK(key_of("a=1&utm=x", {}) == key_of("a=1&utm=y", {}));
  CHECK(key_of("a=1", {}) != key_of("a=2", {}));
  CHECK(key_of("", {{"x-lang", "fr"}}) != key_of("", {{"X-Lang", "de"}}));
  CHECK(key_of("", {{"X-Other", "1"}}) == key_of("", {}));
  CHECK(key_of("", {{"Cookie", "session=1; theme=dark"}}) == key_of("", {{"Cookie", "session=1; theme=light"}}));
  CHECK(key_of("", {{"Cookie", "session=1"}}) != key_of("", {{"Cookie", "session=2"}}));
  CHECK(key_of("", {{"Accept-Encoding", "gzip, deflate"}}) == key_of("", {{"Accept-Encoding", "gzip"}}));
  CHECK(key_of("", {{"Accept-Encoding", "gzip"}}) != key_of("", {}));
  CHECK(CacheKey("E1", "/p", "", {}, key) != CacheKey("E2", "/p", "", {}, key));
  CHECK(TtlBoundsOf(policy).min == 1);
  CHECK(TtlBoundsOf(policy).fallback == 86400);
}

TEST_CASE("forwarded query: the key's parameters and the origin request policy's") {
  RequestParts key;
  key.query = {Selection::Pick::kListed, {"a"}};
  RequestParts extra;
  CHECK(ForwardedQuery("a=1&b=2&c", key, extra) == "a=1");
  extra.query = {Selection::Pick::kListed, {"c"}};
  CHECK(ForwardedQuery("a=1&b=2&c", key, extra) == "a=1&c");
  extra.query.pick = Selection::Pick::kAll;
  CHECK(ForwardedQuery("a=1&b=2&c", key, extra) == "a=1&b=2&c");
}

TEST_CASE("legacy ForwardedValues: query strings, cookies, headers, and the behavior's TTLs") {
  const Json behavior = Json::parse(R"({"MinTTL": 0, "DefaultTTL": 5, "MaxTTL": 50, "ForwardedValues": {
      "QueryString": true, "Cookies": {"Forward": "whitelist", "WhitelistedNames": {"Quantity": 1, "Items": ["s"]}},
      "Headers": {"Quantity": 1, "Items": ["*"]}}})");
  const RequestParts parts = LegacyPartsOf(behavior);
  CHECK(parts.query.Selects("anything"));
  CHECK(parts.cookies.Selects("s"));
  CHECK_FALSE(parts.cookies.Selects("t"));
  CHECK(parts.headers.Selects("X-Any"));
  CHECK(LegacyTtlBoundsOf(behavior).fallback == 5);
  CHECK_FALSE(LegacyPartsOf(Json::object()).query.Selects("a"));
}

TEST_CASE("invalidation paths: exact, or a prefix ending in '*'") {
  CHECK(InvalidationCovers("/a/b.png", "/a/b.png"));
  CHECK_FALSE(InvalidationCovers("/a/b.png", "/a/b.png2"));
  CHECK(InvalidationCovers("/images/*", "/images/x/y.png"));
  CHECK_FALSE(InvalidationCovers("/images/*", "/image.png"));
  CHECK(InvalidationCovers("/*", "/"));
  CHECK_FALSE(InvalidationCovers("/A", "/a"));
}

}  // namespace cfl::edge
