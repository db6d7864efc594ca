#include "emulator/common/json.h"

#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

namespace cfl {
namespace {

TEST_CASE("FindJsonMember finds a member of an object and nothing in anything else") {
  const Json object = {{"Origins", 1}, {"OriginPath", nullptr}, {"Comment", "text"}};
  REQUIRE(FindJsonMember(object, "Origins") != nullptr);
  CHECK(*FindJsonMember(object, "Origins") == 1);
  CHECK(&*FindJsonMember(object, "Comment") == &object.at("Comment"));
  REQUIRE(FindJsonMember(object, "OriginPath") != nullptr);  // a null member is still a member
  CHECK(FindJsonMember(object, "OriginPath")->is_null());
  CHECK(FindJsonMember(object, "Origin") == nullptr);  // a prefix of a member, not that member
  CHECK(FindJsonMember(object, "") == nullptr);
  for (const Json& other : {Json(), Json::array({"Origins"}), Json("Origins"), Json(1), Json::object()}) {
    CHECK(FindJsonMember(other, "Origins") == nullptr);
  }
}

TEST_CASE("FindJsonMember on a mutable value changes the member in place and adds nothing") {
  Json object = {{"Origins", 1}};
  Json* found = FindJsonMember(object, "Origins");
  REQUIRE(found != nullptr);
  *found = 2;
  CHECK(object == Json{{"Origins", 2}});
  CHECK(FindJsonMember(object, "Comment") == nullptr);
  CHECK(object.size() == 1);  // object["Comment"] would have added a null member
  Json null_value;
  CHECK(FindJsonMember(null_value, "Origins") == nullptr);
  CHECK(null_value.is_null());  // and made it an object
}

TEST_CASE("JsonKeyLess orders keys as std::less<> does") {
  // Prefixes, lengths around the eight-byte words, bytes past ASCII (compared
  // as unsigned), and a difference in each position of a word.
  std::vector<std::string> keys = {"", "a", "b", "ab", "abc", "Origin", "OriginPath", "OriginShield", "Origins",
                                   "DefaultCacheBehavior", "DefaultRootObject", "1234567", "12345678", "123456789",
                                   "1234567890123456", "12345678901234567", std::string("\x80"), std::string("\xff"),
                                   std::string("a\x00", 2), std::string("a\x00b", 3), "Z", "z"};
  for (std::size_t at = 0; at < 17; ++at) {
    std::string base(17, 'm');
    base[at] = 'l';
    keys.push_back(base);
    base[at] = 'n';
    keys.push_back(base);
    base[at] = '\xf0';
    keys.push_back(base);
  }
  const JsonKeyLess less;
  for (const auto& a : keys) {
    for (const auto& b : keys) {
      CAPTURE(a);
      CAPTURE(b);
      CHECK(less(a, b) == std::less<>()(a, b));
      CHECK(less(std::string_view(a), b) == std::less<>()(a, b));
    }
  }
}

TEST_CASE("Json objects find members by any string type and dump in std::less<> order") {
  const Json object = {{"b", 1}, {"a", 2}, {"OriginShield", 3}, {"Origin", 4}, {"\xc3\xa9", 5}};
  CHECK(object.dump() == R"({"Origin":4,"OriginShield":3,"a":2,"b":1,"é":5})");
  CHECK(object.find(std::string_view("OriginShield"))->get<int>() == 3);
  CHECK(object.find("Origin")->get<int>() == 4);
  CHECK(object.contains(std::string("a")));
  CHECK_FALSE(object.contains("Origi"));
  const Json list = Json::array({10, 20});
  CHECK(list[1] == 20);  // an int indexes an array, never an object
}

TEST_CASE("Json values nested far deeper than the recursive free are freed without overflowing the stack") {
  // 400,000 levels of objects and arrays: freed recursively, each level with
  // several frames, they would overflow any thread's stack.
  Json deep = Json::array();
  Json* at = &deep;
  for (int level = 0; level < 200'000; ++level) {
    at->push_back(Json{{"k", Json::array({1, "two", nullptr})}, {"s", std::string(40, 'x')}});
    at = &at->back()["k"];
  }
  deep = nullptr;
  CHECK(deep.is_null());
  // Shallow values with every kind of storage still free their parts.
  Json shallow = {{"o", {{"a", 1}}}, {"l", {1, 2.5, "s"}}, {"b", Json::binary({1, 2})}, {"t", true}};
  shallow.erase("o");
  shallow = Json::array();
  CHECK(shallow.empty());
}

}  // namespace
}  // namespace cfl
