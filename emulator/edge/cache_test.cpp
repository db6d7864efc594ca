#include "emulator/edge/cache.h"

#include <doctest/doctest.h>

namespace cfl::edge {
namespace {

std::shared_ptr<const CachedObject> Object(std::string body, std::int64_t expires_ms, std::string path = "/p") {
  auto object = std::make_shared<CachedObject>();
  object->body = std::move(body);
  object->expires_ms = expires_ms;
  object->path = std::move(path);
  return object;
}

}  // namespace

TEST_CASE("edge cache: fresh objects hit, expired ones miss and go") {
  EdgeCache cache(10, 1 << 20);
  cache.Insert("k", Object("v", 1000));
  CHECK(cache.Find("k", 999, nullptr).fresh);
  CHECK_FALSE(cache.Find("k", 1000, nullptr).fresh);
  CHECK(cache.Stats().entries == 0);
  CHECK(cache.Stats().hits == 1);
  CHECK(cache.Stats().misses == 1);
}

TEST_CASE("edge cache: an expired object with a validator stays, stale, for revalidation; a purged one goes") {
  EdgeCache cache(10, 1 << 20);
  auto object = std::make_shared<CachedObject>();
  object->expires_ms = 1000;
  object->etag = "\"v1\"";
  cache.Insert("k", object);
  const auto fresh = cache.Find("k", 999, nullptr);
  CHECK((fresh.fresh && !fresh.stale));
  const auto stale = cache.Find("k", 1000, nullptr);
  CHECK((!stale.fresh && stale.stale && stale.stale->etag == "\"v1\""));
  CHECK(cache.Stats().entries == 1);
  const auto purged = cache.Find("k", 1000, [](const CachedObject&) { return true; });
  CHECK((!purged.fresh && !purged.stale));
  CHECK(cache.Stats().entries == 0);
}

TEST_CASE("edge cache: least recently used goes first, by entries and by bytes") {
  EdgeCache cache(2, 1 << 20);
  cache.Insert("a", Object("1", 100));
  cache.Insert("b", Object("2", 100));
  CHECK(cache.Find("a", 0, nullptr).fresh);  // b is now the least recent
  cache.Insert("c", Object("3", 100));
  CHECK(cache.Find("a", 0, nullptr).fresh);
  CHECK_FALSE(cache.Find("b", 0, nullptr).fresh);
  CHECK(cache.Find("c", 0, nullptr).fresh);

  EdgeCache small(100, 400);
  small.Insert("x", Object(std::string(200, 'x'), 100));
  small.Insert("y", Object(std::string(200, 'y'), 100));  // x must go to make room
  CHECK_FALSE(small.Find("x", 0, nullptr).fresh);
  CHECK(small.Find("y", 0, nullptr).fresh);
  CHECK(small.Stats().bytes <= 400);
  small.Insert("huge", Object(std::string(1000, 'h'), 100));  // larger than the cache: not kept
  CHECK_FALSE(small.Find("huge", 0, nullptr).fresh);
  CHECK(small.Find("y", 0, nullptr).fresh);
}

TEST_CASE("edge cache: a purged object is dropped at lookup; Clear empties") {
  EdgeCache cache(10, 1 << 20);
  cache.Insert("k", Object("v", 1000, "/img/a.png"));
  CHECK_FALSE(cache.Find("k", 0, [](const CachedObject& o) { return o.path == "/img/a.png"; }).fresh);
  CHECK(cache.Stats().entries == 0);
  cache.Insert("k", Object("v", 1000));
  CHECK(cache.Clear() == 1);
  CHECK_FALSE(cache.Find("k", 0, nullptr).fresh);
}

}  // namespace cfl::edge
