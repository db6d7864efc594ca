#include "emulator/codec/xml_codec.h"

#include <doctest/doctest.h>

#include "emulator/codec/validate.h"

namespace cfl::model {
namespace {

ShapeId ShapeNamed(std::string_view name) {
  const auto id = FindShape(name);
  REQUIRE(id.has_value());
  return *id;
}

// A realistic config as botocore sends it: its own member order, empty
// elements for "" and empty lists, no XML declaration.
constexpr std::string_view kConfigXml = R"(<DistributionConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">
  <Enabled>true</Enabled>
  <Comment />
  <CallerReference>ref-1</CallerReference>
  <Aliases><Quantity>2</Quantity><Items><CNAME>www.example.com</CNAME><CNAME>cdn.example.com</CNAME></Items></Aliases>
  <Origins><Quantity>1</Quantity><Items><Origin>
    <Id>api</Id><DomainName>api.example.com</DomainName>
    <CustomOriginConfig><HTTPPort>80</HTTPPort><HTTPSPort>443</HTTPSPort>
      <OriginProtocolPolicy>https-only</OriginProtocolPolicy></CustomOriginConfig>
    <CustomHeaders><Quantity>0</Quantity><Items /></CustomHeaders>
  </Origin></Items></Origins>
  <DefaultCacheBehavior><ViewerProtocolPolicy>redirect-to-https</ViewerProtocolPolicy>
    <TargetOriginId>api</TargetOriginId><MinTTL>0</MinTTL>
    <ForwardedValues><QueryString>false</QueryString><Cookies><Forward>none</Forward></Cookies></ForwardedValues>
  </DefaultCacheBehavior>
</DistributionConfig>)";

TEST_CASE("decodes a realistic DistributionConfig in any element order") {
  auto decoded = DecodeXml(kConfigXml, "DistributionConfig", ShapeNamed("DistributionConfig"));
  REQUIRE(decoded.ok());
  const Json& config = decoded.value();
  CHECK(config["Enabled"] == true);
  CHECK(config["Comment"] == "");
  CHECK(config["Aliases"]["Quantity"] == 2);
  CHECK(config["Aliases"]["Items"] == Json({"www.example.com", "cdn.example.com"}));
  CHECK(config["Origins"]["Items"][0]["CustomOriginConfig"]["HTTPSPort"] == 443);
  CHECK(config["Origins"]["Items"][0]["CustomHeaders"]["Items"] == Json::array());
  CHECK(config["DefaultCacheBehavior"]["ForwardedValues"]["Cookies"]["Forward"] == "none");
}

TEST_CASE("encode then decode gives the same value, members in model order") {
  const auto shape = ShapeNamed("DistributionConfig");
  auto decoded = DecodeXml(kConfigXml, "DistributionConfig", shape);
  REQUIRE(decoded.ok());
  const std::string xml = EncodeXml(decoded.value(), "DistributionConfig", shape);
  CHECK(xml.find("xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"") != std::string::npos);
  CHECK(xml.find("<CallerReference>") < xml.find("<Aliases>"));  // model order, not input order
  CHECK(xml.find("<Items></Items>") == std::string::npos);       // empty lists are left out
  auto again = DecodeXml(xml, "DistributionConfig", shape);
  REQUIRE(again.ok());
  Json expected = decoded.value();
  expected["Origins"]["Items"][0]["CustomHeaders"].erase("Items");
  CHECK(again.value() == expected);
}

TEST_CASE("pre-encoded content is written as is, in place of a structure or a list item") {
  const auto identity = ShapeNamed("CloudFrontOriginAccessIdentity");
  const Json value = {{"Id", "E1"}, {"S3CanonicalUserId", "c"}, {"CloudFrontOriginAccessIdentityConfig", {{"CallerReference", "r&"}, {"Comment", ""}}}};
  const std::string content = EncodeXmlContent(value, identity);
  CHECK(content.starts_with("<Id>E1</Id>"));
  CHECK(EncodeXml(PreEncodedXml(content), "CloudFrontOriginAccessIdentity", identity) ==
        EncodeXml(value, "CloudFrontOriginAccessIdentity", identity));

  const auto list = ShapeNamed("CloudFrontOriginAccessIdentityList");
  const auto summary = ShapeNamed("CloudFrontOriginAccessIdentitySummary");
  const Json item = {{"Id", "E1"}, {"S3CanonicalUserId", "c"}, {"Comment", "<x>"}};
  const Json page = {{"Marker", ""}, {"MaxItems", 100}, {"IsTruncated", false}, {"Quantity", 2},
                     {"Items", {item, PreEncodedXml(EncodeXmlContent(item, summary))}}};
  const std::string xml = EncodeXml(page, "CloudFrontOriginAccessIdentityList", list);
  const std::string one = "<CloudFrontOriginAccessIdentitySummary><Id>E1</Id><S3CanonicalUserId>c</S3CanonicalUserId>"
                          "<Comment>&lt;x&gt;</Comment></CloudFrontOriginAccessIdentitySummary>";
  CHECK(xml.find(one + one) != std::string::npos);

  auto decoded = DecodePreEncoded(page, list);
  REQUIRE(decoded.ok());
  CHECK(decoded.value()["Items"][1] == item);
  CHECK(decoded.value()["Items"][0] == item);
}

TEST_CASE("escapes text on the way out and reads it back") {
  const auto shape = ShapeNamed("CloudFrontOriginAccessIdentityConfig");
  const Json value = {{"CallerReference", "a<b>&\"c\""}, {"Comment", "x & y"}};
  const std::string xml = EncodeXml(value, "CloudFrontOriginAccessIdentityConfig", shape);
  CHECK(xml.find("a&lt;b&gt;&amp;&quot;c&quot;") != std::string::npos);
  auto decoded = DecodeXml(xml, "CloudFrontOriginAccessIdentityConfig", shape);
  REQUIRE(decoded.ok());
  CHECK(decoded.value() == value);
}

TEST_CASE("malformed input is MalformedInput") {
  const auto shape = ShapeNamed("DistributionConfig");
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"<DistributionConfig>", "unterminated"},
      {"<Other/>", "wrong root"},
      {"<DistributionConfig><Bogus>1</Bogus></DistributionConfig>", "unknown element"},
      {"<DistributionConfig><Enabled>yes</Enabled></DistributionConfig>", "bad boolean"},
      {"<DistributionConfig><Aliases><Quantity>x</Quantity></Aliases></DistributionConfig>", "bad integer"},
      {"<DistributionConfig><Aliases><Items><Alias>a</Alias></Items></Aliases></DistributionConfig>",
       "wrong list element"},
      {"<DistributionConfig><Comment><b>x</b></Comment></DistributionConfig>", "element inside a string"},
      {"<DistributionConfig><Comment>a</Comment><Comment>b</Comment></DistributionConfig>", "duplicate"},
      {"", "empty"},
  };
  for (const auto& [xml, why] : cases) {
    CAPTURE(why);
    auto decoded = DecodeXml(xml, "DistributionConfig", shape);
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error().code == "MalformedInput");
    CHECK(decoded.error().status == 400);
  }
}

TEST_CASE("validation: required members, enums, quantities, lengths") {
  const auto shape = ShapeNamed("DistributionConfig");
  auto decoded = DecodeXml(kConfigXml, "DistributionConfig", shape);
  REQUIRE(decoded.ok());
  CHECK(Validate(decoded.value(), shape, "DistributionConfig").ok());

  Json missing = decoded.value();
  missing.erase("Origins");
  auto result = Validate(missing, shape, "DistributionConfig");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == "MalformedInput");

  Json bad_enum = decoded.value();
  bad_enum["DefaultCacheBehavior"]["ViewerProtocolPolicy"] = "sometimes";
  result = Validate(bad_enum, shape, "DistributionConfig");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == "InvalidArgument");

  Json inconsistent = decoded.value();
  inconsistent["Aliases"]["Quantity"] = 3;
  result = Validate(inconsistent, shape, "DistributionConfig");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == "InconsistentQuantities");

  Json no_items = decoded.value();
  no_items["Aliases"].erase("Items");
  CHECK(Validate(no_items, shape, "DistributionConfig").error().code == "InconsistentQuantities");

  const Json too_long = {{"Items", {{{"Key", std::string(129, 'k')}, {"Value", "v"}}}}};
  result = Validate(too_long, ShapeNamed("Tags"), "Tags");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == "InvalidArgument");
}

}  // namespace
}  // namespace cfl::model
