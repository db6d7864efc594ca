#include "emulator/edge/behaviors.h"

#include <doctest/doctest.h>

namespace cfl::edge {

TEST_CASE("path patterns: '*' spans slashes, '?' one character, case-sensitive") {
  CHECK(PathPatternMatches("*", "/anything/at/all"));
  CHECK(PathPatternMatches("/images/*.jpg", "/images/a/b.jpg"));
  CHECK(PathPatternMatches("images/*.jpg", "/images/b.jpg"));
  CHECK_FALSE(PathPatternMatches("/images/*.jpg", "/images/b.JPG"));
  CHECK_FALSE(PathPatternMatches("/Images/*", "/images/b.jpg"));
  CHECK(PathPatternMatches("/a?c", "/abc"));
  CHECK_FALSE(PathPatternMatches("/a?c", "/ac"));
  CHECK_FALSE(PathPatternMatches("/api", "/api/x"));
  CHECK(PathPatternMatches("/api*", "/api/x"));
  CHECK(PathPatternMatches("/*/*/c*", "/x/y/cz"));
  CHECK_FALSE(PathPatternMatches("/*.png", "/a.png.txt"));
  CHECK(PathPatternMatches("/*", "/"));
}

TEST_CASE("behaviors: the first matching pattern wins, the default serves the rest") {
  const Json config = Json::parse(R"({
    "DefaultCacheBehavior": {"TargetOriginId": "default"},
    "CacheBehaviors": {"Quantity": 2, "Items": [
      {"PathPattern": "/api/*", "TargetOriginId": "api"},
      {"PathPattern": "/api/v2/*", "TargetOriginId": "never"}]},
    "Origins": {"Quantity": 2, "Items": [{"Id": "default"}, {"Id": "api"}]}})");
  CHECK(SelectBehavior(config, "/api/v2/users")["TargetOriginId"] == "api");
  CHECK(SelectBehavior(config, "/index.html")["TargetOriginId"] == "default");
  CHECK(FindOrigin(config, "api") != nullptr);
  CHECK(FindOrigin(config, "nope") == nullptr);
}

TEST_CASE("allowed methods: GET and HEAD unless the behavior lists more") {
  const Json get_only = Json::parse(R"({"AllowedMethods": {"Quantity": 2, "Items": ["HEAD", "GET"]}})");
  CHECK(MethodAllowed(get_only, "GET"));
  CHECK_FALSE(MethodAllowed(get_only, "POST"));
  CHECK(MethodAllowed(Json::object(), "HEAD"));
  CHECK_FALSE(MethodAllowed(Json::object(), "DELETE"));
}

}  // namespace cfl::edge
