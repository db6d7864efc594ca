#include "emulator/engine/projection.h"

#include <doctest/doctest.h>

namespace cfl::engine {
namespace {

TEST_CASE("SetDefault adds an absent member, fills a null one and keeps a set one") {
  Json object = {{"Kept", "mine"}, {"Null", nullptr}, {"M", 1}};
  SetDefault(object, "Absent", Json("default"));
  SetDefault(object, "Null", Json(2));
  SetDefault(object, "Kept", Json("default"));
  SetDefault(object, "A", Json::array({1}));  // before every other member
  SetDefault(object, "Z", Json::object());     // after every other member
  SetDefault(object, "Kep", Json(3));          // a prefix of a member, not that member
  CHECK(object.dump() == R"({"A":[1],"Absent":"default","Kep":3,"Kept":"mine","M":1,"Null":2,"Z":{}})");

  Json null_value;  // null becomes an object, as emplace makes it
  SetDefault(null_value, "Key", Json(true));
  CHECK(null_value.dump() == R"({"Key":true})");
  Json number = 5;
  CHECK_THROWS_AS(SetDefault(number, "Key", Json(true)), Json::type_error);
}

}  // namespace
}  // namespace cfl::engine
