#include "emulator/control/json_input.h"

#include <doctest/doctest.h>

namespace cfl::control {
namespace {

TEST_CASE("bodies are JSON objects; an empty body is {}") {
  CHECK(ParseObject("").value() == Json::object());
  CHECK(ParseObject(" \n").value() == Json::object());
  CHECK(ParseObject("{\"a\":1}").value()["a"] == 1);
  CHECK(ParseObject("{").error().message == "the body is not valid JSON");
  CHECK(ParseObject("{\"a\":1}x").error().message == "the body is not valid JSON");
  CHECK(ParseObject("[]").error().message == "the body must be a JSON object");
}

TEST_CASE("JSON nested deeper than kMaxJsonDepth is refused while parsing, whatever its size") {
  const auto nested = [](int depth) {
    return "{\"a\":" + std::string(static_cast<std::size_t>(depth - 1), '[') + "1" +
           std::string(static_cast<std::size_t>(depth - 1), ']') + "}";
  };
  CHECK(ParseObject(nested(kMaxJsonDepth)).ok());
  CHECK(ParseObject(nested(kMaxJsonDepth + 1)).error().message == "the body is nested deeper than 64 levels");
  // 100,000 levels (200 KB) used to overflow the stack when the value was
  // printed or copied; now it is refused at the 65th.
  CHECK(ParseObject(nested(100'000)).error().status == 400);
  CHECK(ParseJson(std::string(100'000, '[')).error() == "nested deeper than 64 levels");
  CHECK(ParseJson("[[1]]").value() == Json::parse("[[1]]"));
}

TEST_CASE("values in messages are described, not printed whole") {
  CHECK(Describe(Json(5)) == "5");
  CHECK(Describe(Json("abc")) == "\"abc\"");
  CHECK(Describe(Json(std::string(100, 'x'))) == "a long string");
  CHECK(Describe(Json::parse("[[[]]]")) == "an array");
  CHECK(Describe(Json::parse("{\"a\":{}}")) == "an object");
}

TEST_CASE("members are typed strictly") {
  const Json body = {{"s", "x"}, {"b", true}, {"n", 2.5}, {"i", 3}, {"f", 4.0}, {"neg", -1}, {"null", nullptr},
                     {"account", "123456789012"}, {"big", 18446744073709551615ull}};
  CHECK(OptionalString(body, "s").value() == "x");
  CHECK_FALSE(OptionalString(body, "b").ok());
  CHECK_FALSE(OptionalString(body, "absent").value());
  CHECK_FALSE(OptionalString(body, "null").value());
  CHECK(OptionalBool(body, "b").value() == true);
  CHECK_FALSE(OptionalBool(body, "s").ok());
  CHECK(OptionalNumber(body, "n", 0, 10).value() == 2.5);
  CHECK_FALSE(OptionalNumber(body, "neg", 0, 10).ok());
  CHECK_FALSE(OptionalNumber(body, "s", 0, 10).ok());
  CHECK(OptionalInteger(body, "i", 0, 10).value() == 3);
  CHECK(OptionalInteger(body, "f", 0, 10).value() == 4);
  CHECK_FALSE(OptionalInteger(body, "n", 0, 10).ok());
  CHECK_FALSE(OptionalInteger(body, "neg", 0, 10).ok());
  CHECK_FALSE(OptionalInteger(body, "big", 0, 10).ok());
  CHECK(OptionalAccount(body, "account").value() == "123456789012");
  CHECK_FALSE(OptionalAccount(body, "s").ok());
  CHECK(OnlyMembers({{"a", 1}}, {"a", "b"}).ok());
  CHECK(OnlyMembers({{"c", 1}}, {"a", "b"}).error().message == "unknown member \"c\"; expected \"a\", \"b\"");
}

}  // namespace
}  // namespace cfl::control
