#include "emulator/engine/resource.h"

#include <doctest/doctest.h>

namespace cfl::engine {
namespace {

TEST_CASE("DumpMetadata writes what dump writes and keeps its parse for the next read") {
  const Json metadata = {{"DomainName", "d1.cloudfront.net"}, {"DeployedConfig", "{\"Comment\":\"\\u00e9 \\\"q\\\"\"}"}};
  const std::string text = DumpMetadata(metadata);
  CHECK(text == metadata.dump());
  const auto parsed = ParsedMetadata(text);
  REQUIRE(parsed);
  CHECK(*parsed == metadata);
  CHECK(ParsedMetadata(text) == parsed);  // kept: the same shared parse

  store::Record record;
  record.document = "{}";
  record.metadata = text;
  const Resource resource = ResourceOf(record);
  CHECK(resource.metadata == metadata);
}

TEST_CASE("metadata with bytes that are not UTF-8 reads back as its replaced text") {
  const Json metadata = {{"Comment", "a\xFF"}};
  const std::string text = DumpMetadata(metadata);
  CHECK(text == metadata.dump(-1, ' ', false, Json::error_handler_t::replace));
  CHECK(*ParsedMetadata(text) == Json::parse(text));
}

TEST_CASE("metadata that is not a JSON object reads as an empty object") {
  store::Record record;
  record.document = "{}";
  record.metadata = "not json";
  CHECK(ResourceOf(record).metadata == Json::object());
  CHECK(ParsedMetadata("not json")->is_discarded());
}

}  // namespace
}  // namespace cfl::engine
