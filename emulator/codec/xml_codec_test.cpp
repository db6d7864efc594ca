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

TEST_CASE("validation: every broken constraint in one MalformedXML, worded as AWS words it") {
  const auto shape = ShapeNamed("DistributionConfig");
  auto decoded = DecodeXml(kConfigXml, "DistributionConfig", shape);
  REQUIRE(decoded.ok());
  CHECK(Validate(decoded.value(), shape, "distributionConfig").ok());

  Json missing = decoded.value();
  missing.erase("Origins");
  auto result = Validate(missing, shape, "distributionConfig");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == "MalformedXML");
  CHECK(result.error().status == 400);
  CHECK(result.error().message ==
        "1 validation error detected: Value null at 'distributionConfig.origins' failed to satisfy constraint: "
        "Member must not be null");

  Json bad_enum = decoded.value();
  bad_enum["DefaultCacheBehavior"]["ViewerProtocolPolicy"] = "sometimes-https";
  bad_enum["Origins"]["Items"][0].erase("DomainName");
  result = Validate(bad_enum, shape, "distributionConfig");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == "MalformedXML");
  CHECK(result.error().message ==
        "2 validation errors detected: Value null at 'distributionConfig.origins.items.1.member.domainName' failed "
        "to satisfy constraint: Member must not be null; Value 'sometimes-https' at "
        "'distributionConfig.defaultCacheBehavior.viewerProtocolPolicy' failed to satisfy constraint: Member must "
        "satisfy enum value set: [allow-all, https-only, redirect-to-https]");

  Json inconsistent = decoded.value();
  inconsistent["Aliases"]["Quantity"] = 3;
  result = Validate(inconsistent, shape, "distributionConfig");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == "InconsistentQuantities");
  inconsistent["Enabled"] = nullptr;  // constraints come first
  CHECK(Validate(inconsistent, shape, "distributionConfig").error().code == "MalformedXML");

  Json no_items = decoded.value();
  no_items["Aliases"].erase("Items");
  CHECK(Validate(no_items, shape, "distributionConfig").error().code == "InconsistentQuantities");
}

TEST_CASE("validation: lengths, ranges, patterns, sensitive values, whole inputs") {
  const Json too_long = {{"Items", {{{"Key", std::string(129, 'k')}, {"Value", "v"}}, {{"Key", "a*b"}}}}};
  auto result = Validate(too_long, ShapeNamed("Tags"), "tags");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == "MalformedXML");
  CHECK(result.error().message ==
        "2 validation errors detected: Value '" + std::string(129, 'k') +
            "' at 'tags.items.1.member.key' failed to satisfy constraint: Member must have length less than or equal "
            "to 128; Value 'a*b' at 'tags.items.2.member.key' failed to satisfy constraint: Member must satisfy "
            "regular expression pattern: ([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)");

  // A whole input: its members start the paths. FunctionCode is sensitive: its value is not repeated.
  const Json create = {{"Name", "bad name"}, {"FunctionCode", ""}, {"FunctionConfig", {{"Comment", "c"}}}};
  result = Validate(create, ShapeNamed("CreateFunctionRequest"), "");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message ==
        "3 validation errors detected: Value 'bad name' at 'name' failed to satisfy constraint: Member must satisfy "
        "regular expression pattern: [a-zA-Z0-9-_]{1,64}; Value null at 'functionConfig.runtime' failed to satisfy "
        "constraint: Member must not be null; Value at 'functionCode' failed to satisfy constraint: Member must have "
        "length greater than or equal to 1");

  const Json sampling = {{"Enabled", true}, {"SamplingRate", 100.5}};
  result = Validate(sampling, ShapeNamed("ResponseHeadersPolicyServerTimingHeadersConfig"), "serverTimingHeadersConfig");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message ==
        "1 validation error detected: Value '100.5' at 'serverTimingHeadersConfig.samplingRate' failed to satisfy "
        "constraint: Member must have value less than or equal to 100");

  // The KeyValueStore's (rest-json) violations are ValidationException.
  const Json list_keys = {{"KvsARN", "arn"}, {"MaxResults", 51}};
  const auto kvs_shape = FindShape(*FindService("cloudfront-keyvaluestore"), "ListKeysRequest");
  REQUIRE(kvs_shape);
  result = Validate(list_keys, *kvs_shape, "");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == "ValidationException");
  CHECK(result.error().message ==
        "1 validation error detected: Value '51' at 'maxResults' failed to satisfy constraint: Member must have value "
        "less than or equal to 50");
}

}  // namespace
}  // namespace cfl::model
