#include "emulator/codec/json_text.h"

#include <doctest/doctest.h>

#include <limits>

namespace cfl::model {
namespace {

using Json = cfl::Json;

std::string Dumped(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

TEST_CASE("DumpJson writes the bytes dump writes") {
  const std::vector<Json> values = {
      Json(nullptr), Json(true), Json(false), Json(0), Json(-42), Json(std::numeric_limits<std::int64_t>::min()),
      Json(std::numeric_limits<std::uint64_t>::max()), Json(1.0), Json(0.1), Json(-0.0), Json(1e300), Json(2.5e-7),
      Json(""), Json("plain"), Json("quote \" backslash \\ slash /"), Json("\b\f\n\r\t"),
      Json(std::string("\x01\x1f\x7f nul:\0.", 10)), Json("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
      Json("bad \xFF utf-8 \xC3"), Json("\xC3\xA9\n\x80"), Json::object(), Json::array(),
      Json{{"b", 1}, {"a", Json::array({1, "x", nullptr, Json::object()})}, {"\"k\xC3\xA9\"", {{"n", 2.5}}}},
      Json::binary({1, 2, 3}),
      Json{{"DeployedConfig", Json{{"Comment", "say \"hi\"\n"}, {"Items", {1, 2}}}.dump()}, {"DomainName", "d"}},
  };
  for (const auto& value : values) {
    CAPTURE(Dumped(value));
    CHECK(DumpJson(value) == Dumped(value));
  }
  const Json nested = Json::parse(R"({"Origins":{"Quantity":1,"Items":[{"Id":"o1","DomainName":"b.s3.amazonaws.com",
      "CustomHeaders":{"Quantity":0},"ConnectionTimeout":10}]},"Enabled":true,"Comment":"tab\there","PriceClass":"PriceClass_All"})");
  CHECK(DumpJson(nested) == Dumped(nested));
}

TEST_CASE("DumpJson escapes every byte as dump does, wherever it stands in a string") {
  // Strings of 1 to 19 bytes, each byte value at each position: a plain ASCII
  // string is copied whole (checked eight bytes at a time), so one byte that
  // needs escaping, wherever it stands, must send the string down the
  // escaping path. The plain bytes around it are the edges of what is plain
  // and the neighbours of '"' and '\\', where a borrow could hide a byte.
  for (const char plain : {'a', ' ', '\x7f', '!', '#', '[', ']'}) {
    for (int byte = 0; byte < 256; ++byte) {
      for (std::size_t length = 1; length < 20; ++length) {
        for (std::size_t at = 0; at < length; ++at) {
          std::string text(length, plain);
          text[at] = static_cast<char>(byte);
          const Json value(text);
          CAPTURE(static_cast<int>(plain));
          CAPTURE(byte);
          CAPTURE(length);
          CAPTURE(at);
          REQUIRE(DumpJson(value) == Dumped(value));
        }
      }
    }
  }
}

}  // namespace
}  // namespace cfl::model
