#include "emulator/codec/decoded_payloads.h"

#include <doctest/doctest.h>

namespace cfl::model {

TEST_CASE("DecodedPayloads: a payload is found only for the same operation and the same bytes") {
  DecodedPayloads cache(8);
  cache.Keep("UpdateX", "<A>1</A>", cfl::Json{{"A", "1"}});
  const auto found = cache.Find("UpdateX", "<A>1</A>");
  REQUIRE(found);
  CHECK(*found == cfl::Json{{"A", "1"}});
  CHECK_FALSE(cache.Find("UpdateX", "<A>2</A>"));
  CHECK_FALSE(cache.Find("UpdateX", "<A>1</A> "));
  CHECK_FALSE(cache.Find("UpdateY", "<A>1</A>"));
  // The operation ends at the first NUL: no body can pass for another operation's.
  CHECK_FALSE(cache.Find("Update", std::string_view("X\0<A>1</A>", 10)));
}

TEST_CASE("DecodedPayloads: bodies over the bound are not kept") {
  DecodedPayloads cache(8);
  const std::string big(DecodedPayloads::kMaxBodyBytes + 1, 'x');
  cache.Keep("UpdateX", big, cfl::Json::object());
  CHECK_FALSE(cache.Find("UpdateX", big));
  const std::string fits(DecodedPayloads::kMaxBodyBytes, 'x');
  cache.Keep("UpdateX", fits, cfl::Json::object());
  CHECK(cache.Find("UpdateX", fits));
}

TEST_CASE("DecodedPayloads: entries are bounded") {
  DecodedPayloads cache(2);
  cache.Keep("Op", "a", 1);
  cache.Keep("Op", "b", 2);
  cache.Keep("Op", "c", 3);  // full: starts over
  CHECK_FALSE(cache.Find("Op", "a"));
  CHECK(cache.Find("Op", "c"));
}

}  // namespace cfl::model
