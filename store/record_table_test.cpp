#include "store/record_table.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "store/store_test_support.h"

namespace cfl::store::detail {

TEST_CASE("links: equal texts for equal key and reference lists, and only then") {
  const auto links = [](std::vector<std::string> keys, std::vector<std::string> references) {
    return LinksOf(testing::MakeRecord("E1", std::move(keys), std::move(references)));
  };
  CHECK(links({"a", "b"}, {"c"}) == links({"a", "b"}, {"c"}));
  CHECK(links({"a", "b"}, {}) != links({"b", "a"}, {}));
  CHECK(links({"ab"}, {}) != links({"a", "b"}, {}));
  CHECK(links({"a"}, {}) != links({}, {"a"}));
  CHECK(links({"a1:b"}, {}) != links({"a", "b"}, {}));
  CHECK(links({}, {}) != links({""}, {}));
}

}  // namespace cfl::store::detail
