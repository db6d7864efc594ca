// Regressions found by tests/fuzz (xml_codec and dispatcher harnesses): what
// the codec decodes must encode back to the same value, and everything it
// writes must be XML 1.0 that a strict parser (botocore's expat) accepts.
#include <doctest/doctest.h>

#include <cmath>

#include "emulator/codec/rest_binding.h"
#include "emulator/codec/validate.h"
#include "emulator/codec/xml_codec.h"

namespace cfl::model {
namespace {

constexpr std::string_view kNs = R"( xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/")";

ShapeId ShapeNamed(std::string_view name) {
  const auto id = FindShape(name);
  REQUIRE(id.has_value());
  return *id;
}

Result<Json, ApiError> Decode(std::string_view root, const std::string& inner) {
  return DecodeXml("<" + std::string(root) + std::string(kNs) + ">" + inner + "</" + std::string(root) + ">", root,
                   ShapeNamed(root));
}

Json RoundTrip(std::string_view root, const Json& value) {
  const std::string xml = EncodeXml(value, root, ShapeNamed(root));
  auto again = DecodeXml(xml, root, ShapeNamed(root));
  REQUIRE_MESSAGE(again.ok(), xml);
  return again.value();
}

// Valid UTF-8 of characters XML 1.0 allows (as the fuzz harnesses check).
bool IsXmlText(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

TEST_CASE("fuzz regression: text made only of whitespace survives a round trip") {
  auto decoded = Decode("DistributionConfig", "<Comment>&#32;&#32;</Comment><DefaultRootObject>&#9;</DefaultRootObject>");
  REQUIRE(decoded.ok());
  CHECK(decoded.value()["Comment"] == "  ");
  CHECK(RoundTrip("DistributionConfig", decoded.value()) == decoded.value());
}

TEST_CASE("fuzz regression: a carriage return survives a round trip") {
  auto decoded = Decode("DistributionConfig", "<Comment>a&#13;b&#13;&#10;c</Comment>");
  REQUIRE(decoded.ok());
  CHECK(decoded.value()["Comment"] == "a\rb\r\nc");
  CHECK(RoundTrip("DistributionConfig", decoded.value()) == decoded.value());
}

TEST_CASE("fuzz regression: characters XML 1.0 forbids are MalformedInput, as a strict parser says") {
  for (const std::string text : {"a&#1;b", "a\x01" "b", "&#xD800;", "&#x110000;", "&#xFFFE;", "caf\xE9", "\xC0\xAF"}) {
    CAPTURE(text);
    auto decoded = Decode("DistributionConfig", "<Comment>" + text + "</Comment>");
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error().code == "MalformedInput");
    CHECK(decoded.error().status == 400);
  }
  auto fine = Decode("DistributionConfig", "<Comment>caf\xC3\xA9 \xF0\x9F\x98\x80 &#xE9;</Comment>");
  REQUIRE(fine.ok());
  CHECK(fine.value()["Comment"] == "caf\xC3\xA9 \xF0\x9F\x98\x80 \xC3\xA9");
}

TEST_CASE("fuzz regression: the encoder never writes what XML 1.0 cannot carry") {
  std::string out;
  AppendXmlEscaped(out, "a\x01" "b\xFF<&>\"\r");
  CHECK(out == "a\xEF\xBF\xBD" "b\xEF\xBF\xBD&lt;&amp;&gt;&quot;&#13;");
  // Error messages echo input (element names, ids from the path): the document stays well-formed.
  const auto error = EncodeError(MalformedInput("Unexpected element /DistributionConfig/\xFF\x01"), "req-1");
  CHECK(IsXmlText(error.body));
  CHECK(error.body.find("/DistributionConfig/\xEF\xBF\xBD\xEF\xBF\xBD") != std::string::npos);
}

TEST_CASE("fuzz regression: doubles are finite and keep every digit through a round trip") {
  const std::string prefix = "<Name>p</Name><ServerTimingHeadersConfig><Enabled>true</Enabled><SamplingRate>";
  const std::string suffix = "</SamplingRate></ServerTimingHeadersConfig>";
  for (const std::string text : {"nan", "NaN", "inf", "-inf", "1e999"}) {
    CAPTURE(text);
    auto decoded = Decode("ResponseHeadersPolicyConfig", prefix + text + suffix);
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error().code == "MalformedInput");
  }
  auto decoded = Decode("ResponseHeadersPolicyConfig", prefix + "12.345678901" + suffix);
  REQUIRE(decoded.ok());
  const Json again = RoundTrip("ResponseHeadersPolicyConfig", decoded.value());
  CHECK(again == decoded.value());
  CHECK(again["ServerTimingHeadersConfig"]["SamplingRate"].get<double>() == 12.345678901);
}

}  // namespace
}  // namespace cfl::model
