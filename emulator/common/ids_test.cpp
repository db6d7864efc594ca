#include "emulator/common/ids.h"

#include <doctest/doctest.h>

#include <set>

namespace cfl::ids {
namespace {

TEST_CASE("request ids are distinct version 4 UUIDs") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = RequestId();
    REQUIRE(id.size() == 36);
    for (std::size_t at = 0; at < id.size(); ++at) {
      const bool dash = at == 8 || at == 13 || at == 18 || at == 23;
      CHECK((dash ? id[at] == '-' : std::string_view("0123456789abcdef").find(id[at]) != std::string_view::npos));
    }
    CHECK(id[14] == '4');
    CHECK(std::string_view("89ab").find(id[19]) != std::string_view::npos);
    seen.insert(id);
  }
  CHECK(seen.size() == 1000);
}

}  // namespace
}  // namespace cfl::ids
