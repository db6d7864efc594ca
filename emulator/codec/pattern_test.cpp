#include "emulator/codec/pattern.h"

#include <doctest/doctest.h>

#include <string>

namespace cfl::model {
namespace {

bool Matches(std::string_view pattern, std::string_view text) {
  const auto compiled = Pattern::Compile(pattern);
  REQUIRE(compiled.has_value());
  return compiled->Matches(text);
}

TEST_CASE("every pattern of the models compiles") {
  int patterns = 0;
  for (const auto& shape : Shapes()) {
    if (shape.pattern.empty()) continue;
    ++patterns;
    INFO(shape.name, " ", shape.pattern);
    CHECK(PatternOf(shape) != nullptr);
  }
  CHECK(patterns >= 12);
}

TEST_CASE("the models' patterns match whole values") {
  CHECK(Matches("[a-zA-Z0-9-_]{1,64}", "my-function_1"));
  CHECK_FALSE(Matches("[a-zA-Z0-9-_]{1,64}", "my function"));
  CHECK_FALSE(Matches("[a-zA-Z0-9-_]{1,64}", ""));
  CHECK_FALSE(Matches("[a-zA-Z0-9-_]{1,64}", std::string(65, 'a')));
  CHECK(Matches("[a-zA-Z0-9-_]{1,64}", std::string(64, 'a')));
  CHECK(Matches("[a-z]{2}-[a-z]+-\\d", "us-east-1"));
  CHECK_FALSE(Matches("[a-z]{2}-[a-z]+-\\d", "us-east-12"));
  CHECK(Matches("arn:aws(-cn)?:cloudfront::[0-9]+:.*", "arn:aws:cloudfront::123456789012:distribution/E1"));
  CHECK(Matches("arn:aws(-cn)?:cloudfront::[0-9]+:.*", "arn:aws-cn:cloudfront::1:"));
  CHECK_FALSE(Matches("arn:aws(-cn)?:cloudfront::[0-9]+:.*", "arn:aws:s3:::bucket"));
  CHECK(Matches("arn:aws:cloudfront::[0-9]{12}:function\\/[a-zA-Z0-9-_]{1,64}",
                "arn:aws:cloudfront::123456789012:function/f"));
  CHECK(Matches("[a-zA-Z0-9][a-zA-Z0-9-.]{1,126}[a-zA-Z0-9]", "tenant.example"));
  CHECK_FALSE(Matches("[a-zA-Z0-9][a-zA-Z0-9-.]{1,126}[a-zA-Z0-9]", "tenant."));
}

TEST_CASE("Unicode categories: letters, numbers and separators of any script") {
  const std::string_view tag = "([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)";
  CHECK(Matches(tag, "env:prod/a=b+c-d@e_f.g"));
  CHECK(Matches(tag, "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC"));  // café 日本
  CHECK(Matches(tag, ""));
  CHECK_FALSE(Matches(tag, "a*b"));
  CHECK_FALSE(Matches(tag, "\xF0\x9F\x98\x80"));  // an emoji is a symbol
  CHECK_FALSE(Matches(tag, "tab\there"));
}

TEST_CASE("syntax: alternatives, classes, quantifiers, anchors") {
  CHECK(Matches("^(a|bc)+$", "abcabc"));
  CHECK_FALSE(Matches("(a|bc)+", "abca-"));
  CHECK(Matches("(?:ab){2,3}", "ababab"));
  CHECK_FALSE(Matches("(?:ab){2,3}", "abababab"));
  CHECK(Matches("[^/]+", "no-slash"));
  CHECK_FALSE(Matches("[^/]+", "a/b"));
  CHECK(Matches("x{2,}", "xxxx"));
  CHECK(Matches("a{,2}", "a{,2}"));  // not a quantifier: literal braces
  CHECK(Matches("\\w+\\s\\d*", "word 123"));
  CHECK(Matches("(a*)*b", "aaab"));
  CHECK_FALSE(Pattern::Compile("(?=a)").has_value());
  CHECK_FALSE(Pattern::Compile("[a").has_value());
  CHECK_FALSE(Pattern::Compile("(a").has_value());
}

TEST_CASE("long values: no recursion per character, a pathological pattern accepts within its budget") {
  const std::string long_arn = "arn:aws:cloudfront::1:" + std::string(100'000, 'x');
  CHECK(Matches("arn:aws(-cn)?:cloudfront::[0-9]+:.*", long_arn));
  CHECK(Matches("(a|a)*b", std::string(40, 'a') + "c"));  // exponential: gives up and accepts
}

}  // namespace
}  // namespace cfl::model
